package io.cometbridge.polling;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several threads send to one session at once, on both sides and over both transports, while a
 * broadcast to the session's room interleaves with them: each sender's messages must arrive
 * exactly once and in the order it sent them, through the whole path (application, session
 * executor, channel, transport, client). A rare race in the executor itself needs far more
 * hand-overs than this to show: {@code SerialExecutorTest} is where that is caught.
 */
class ConcurrentSendersTest {
    private static final int SENDERS = 4, EACH = 2_000, BROADCASTS = 1_000;
    /** Unacknowledged messages per sender: keeps every replay buffer far below its bound. */
    private static final int WINDOW = 64;

    /** Per-tag order check: message "tag:i" must come right after "tag:i-1". */
    static final class Streams {
        private final Map<String, Integer> next = new HashMap<>();
        private final List<String> faults = new ArrayList<>();
        private int received;

        synchronized void accept(Message m) {
            String s = m.text();
            int colon = s.indexOf(':');
            String tag = s.substring(0, colon);
            int i = Integer.parseInt(s.substring(colon + 1));
            int expected = next.getOrDefault(tag, 1);
            if (i != expected && faults.size() < 10) faults.add(tag + ": got " + i + ", expected " + expected);
            next.put(tag, Math.max(expected, i + 1));
            received++;
        }

        synchronized int received() {
            return received;
        }

        synchronized List<String> faults() {
            return List.copyOf(faults);
        }
    }

    /** One thread's stream: "tag:1".."tag:EACH", at most WINDOW unacknowledged. */
    private static Thread sender(String tag, Function<Message, CompletableFuture<Void>> send, AtomicInteger failed) {
        return started("sender-" + tag, () -> {
            Semaphore window = new Semaphore(WINDOW);
            for (int i = 1; i <= EACH; i++) {
                window.acquireUninterruptibly();
                send.apply(Message.text(tag + ":" + i)).whenComplete((v, e) -> {
                    if (e != null) failed.incrementAndGet();
                    window.release();
                });
            }
        });
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everySendersMessagesArriveOnceAndInItsOrderOnBothTransports() throws Exception {
        TestServer server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD), TestServer.config().build(),
                List.of(new LongPollingModule()));
        URI uri = server.uri();
        Map<TransportKind, Streams> atClient = Map.of(TransportKind.WEBSOCKET, new Streams(), TransportKind.POLLING, new Streams());
        List<BridgeClient> clients = new ArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        try {
            for (var e : atClient.entrySet()) {
                Streams streams = e.getValue();
                BridgeClient c = BridgeClient.builder(uri).transports(e.getKey()).listener((client, message) -> streams.accept(message)).build();
                c.connect().get(10, TimeUnit.SECONDS);
                assertThat(c.transport()).isEqualTo(e.getKey());
                clients.add(c);
            }
            await().until(() -> server.app.opened.size() == 2);
            server.app.opened.values().forEach(session -> session.join("all"));

            List<Thread> threads = new ArrayList<>();
            int n = 0;
            for (BridgeSession s : server.app.opened.values()) {
                n++;
                for (int k = 0; k < SENDERS; k++) threads.add(sender("server" + n + "-" + k, s::send, failed));
            }
            for (int c = 0; c < clients.size(); c++) {
                for (int k = 0; k < SENDERS; k++) threads.add(sender("client" + c + "-" + k, clients.get(c)::send, failed));
            }
            threads.add(started("broadcaster", () -> {
                for (int i = 1; i <= BROADCASTS; i++) {
                    server.bridge.rooms().broadcast("all", Message.text("broadcast:" + i));
                    if (i % 100 == 0) sleepQuietly(5); // a broadcast has no acknowledgement to pace it
                }
            }));
            for (Thread t : threads) t.join(60_000);

            int toEachClient = SENDERS * EACH + BROADCASTS;
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    atClient.values().stream().allMatch(s -> s.received() >= toEachClient)
                            && server.app.received.values().stream().allMatch(list -> list.size() >= SENDERS * EACH));
            for (var e : atClient.entrySet()) {
                assertThat(e.getValue().faults()).as("out of order or repeated at the %s client", e.getKey()).isEmpty();
                assertThat(e.getValue().received()).as("at the %s client", e.getKey()).isEqualTo(toEachClient);
            }
            for (List<Message> list : server.app.received.values()) {
                Streams atServer = new Streams();
                list.forEach(atServer::accept);
                assertThat(atServer.faults()).as("out of order or repeated at the server").isEmpty();
                assertThat(atServer.received()).isEqualTo(SENDERS * EACH);
            }
            assertThat(failed.get()).as("sends that failed").isZero();
            assertThat(server.app.closed).as("sessions closed").isEmpty();
        } finally {
            for (BridgeClient c : clients) c.close();
            server.close();
        }
    }

    private static Thread started(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true); // a stuck sender must not keep the test JVM alive
        t.start();
        return t;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
