package io.cometbridge.session;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.Framing;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.protocol.Message;
import io.cometbridge.transport.Transport;
import io.cometbridge.transport.TransportListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promise a durable session makes (Checkpoints): the replies an application sends while it
 * handles a message are stored in the same commit as that message, so a node that stops after
 * the commit (killed, or drained) can never have acknowledged a message whose reply it lost. The
 * client, an application push and the store's completions run on their own threads, as they do
 * on a real node, so commits interleave with deliveries in every order.
 */
class RepliesStoredWithTheirMessageTest {
    private static final int SESSIONS = 8;
    private static final int MESSAGES = 1_500;

    /** A durable log that stores nothing but records each commit, completing it a moment later on another thread. */
    private static final class RecordingLog implements SessionLog {
        final Map<String, List<Commit>> commits = new ConcurrentHashMap<>();
        final ExecutorService store = Executors.newFixedThreadPool(2);

        @Override
        public boolean durable() {
            return true;
        }

        @Override
        public CompletionStage<Outcome> commit(String sid, long generation, Commit commit) {
            commits.computeIfAbsent(sid, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(commit);
            return CompletableFuture.supplyAsync(() -> {
                if (ThreadLocalRandom.current().nextInt(4) == 0) Thread.yield();
                return Outcome.STORED;
            }, store);
        }

        @Override
        public CompletionStage<Restored> takeOver(String sid, String presentedKey, String principal) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Outcome> touch(String sid, long generation) {
            return CompletableFuture.completedFuture(Outcome.STORED);
        }

        @Override
        public void delete(String sid) {
        }

        @Override
        public CompletionStage<String> ownerOf(String sid) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** A WebSocket without a network: thread-safe, it only counts what the session writes. */
    private static final class QuietStream implements Transport {
        final CompletableFuture<Frame.Open> open = new CompletableFuture<>();
        volatile TransportListener listener;
        final java.util.concurrent.atomic.AtomicReference<Exception> refused = new java.util.concurrent.atomic.AtomicReference<>();

        @Override public TransportKind kind() { return TransportKind.WEBSOCKET; }
        @Override public Framing framing() { return Framing.STREAM; }
        @Override public String remoteAddress() { return "127.0.0.1"; }
        @Override public boolean canSend() { return true; }
        @Override public boolean holdsRequest() { return false; }
        @Override public void send(List<Frame> frames) { }
        @Override public void detached(int closeCode, String reason) { }

        @Override
        public void opened(TransportListener listener, Frame.Open frame) {
            this.listener = listener;
            open.complete(frame);
        }

        void fromClient(String json) {
            listener.received(this, List.of(FrameCodec.decode(json)), (reply, error) -> {
                if (error != null) refused.compareAndSet(null, error);
            });
        }
    }

    @Test
    void everyCommitThatHoldsAMessageHoldsTheRepliesSentWhileHandlingIt() throws Exception {
        RecordingLog log = new RecordingLog();
        BridgeHandler echo = new BridgeHandler() {
            @Override
            public void onMessage(BridgeSession session, Message message) {
                session.send(message);
            }
        };
        ExecutorService workers = Executors.newFixedThreadPool(4);
        Bridge bridge = Bridge.builder(echo).config(BridgeConfig.builder().maxQueuedMessages(100_000)
                .maxQueuedBytes(64L << 20).build()).log(log).workers(workers).build();
        try {
            List<Thread> threads = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(SESSIONS);
            for (int s = 0; s < SESSIONS; s++) {
                QuietStream ws = new QuietStream();
                bridge.attach(ws, new Frame.Attach(null, 0), e -> { throw e; });
                String sid = ws.open.get(10, TimeUnit.SECONDS).sid();
                Session session = bridge.find(sid);
                Thread client = new Thread(() -> {
                    for (int n = 1; n <= MESSAGES; n++) ws.fromClient("[" + n + ",\"m" + n + "\"]");
                    if (ws.refused.get() != null) ws.refused.get().printStackTrace();
                    done.countDown();
                });
                Thread pusher = new Thread(() -> { // the application sending on its own, between deliveries
                    for (int p = 0; p < MESSAGES / 2 && done.getCount() > 0; p++) {
                        session.send(Message.text("push"));
                        Thread.yield();
                    }
                });
                threads.add(client);
                threads.add(pusher);
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) t.join(TimeUnit.MINUTES.toMillis(2));
            Thread.sleep(200); // the last commits complete
            for (Map.Entry<String, List<SessionLog.Commit>> e : log.commits.entrySet()) {
                Set<String> repliesStored = new HashSet<>();
                int messagesStored = 0;
                synchronized (e.getValue()) {
                    for (SessionLog.Commit c : e.getValue()) {
                        c.outbound().forEach(o -> repliesStored.add(o.message().text()));
                        for (SessionLog.Entry in : c.inbound()) {
                            messagesStored++;
                            assertThat(repliesStored).as("the reply to %s, stored with it or before", in.message().text())
                                    .contains(in.message().text());
                        }
                    }
                }
                assertThat(messagesStored).isEqualTo(MESSAGES);
            }
            assertThat(log.commits).hasSize(SESSIONS);
        } finally {
            bridge.close();
            workers.shutdownNow();
            log.store.shutdownNow();
        }
    }

}
