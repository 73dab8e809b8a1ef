package io.cometbridge.session;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.FakeTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node taking over a session whose stored messages for the client exceed this node's queue
 * limits (nodes configured apart, docs/SCALE_OUT.md): the session cannot go on here whole, so its
 * client is told its session is gone (unknown_session, with why), never handed a silent gap.
 * Before, the messages beyond the bound were dropped and the session went on without them.
 */
class RestoreBeyondLimitsTest {
    private static final String SID = SessionIds.next();

    /** A store holding one session with {@code waiting} messages its client has not acknowledged. */
    private static SessionLog storeWith(int waiting) {
        List<SessionLog.Entry> out = new ArrayList<>();
        for (int i = 1; i <= waiting; i++) out.add(new SessionLog.Entry(i, Message.text("m" + i)));
        SessionLog.Restored restored = new SessionLog.Restored(3, 0, 0, List.of("k1"), out, List.of(), null, null);
        return new SessionLog() {
            @Override public boolean durable() { return true; }
            @Override public CompletionStage<Outcome> commit(String sid, long generation, Commit commit) { return CompletableFuture.completedFuture(Outcome.STORED); }
            @Override public CompletionStage<Restored> takeOver(String sid, String key, String principal) {
                return CompletableFuture.completedFuture(sid.equals(SID) ? restored : null);
            }
            @Override public CompletionStage<Outcome> touch(String sid, long generation) { return CompletableFuture.completedFuture(Outcome.STORED); }
            @Override public void delete(String sid) { }
            @Override public CompletionStage<String> ownerOf(String sid) { return CompletableFuture.completedFuture(null); }
        };
    }

    private final ExecutorService workers = Executors.newFixedThreadPool(2);
    private Bridge bridge;

    @AfterEach
    void stop() {
        if (bridge != null) bridge.close();
        workers.shutdownNow();
    }

    private CompletableFuture<Object> attach(int waiting, int maxQueued) {
        bridge = Bridge.builder((BridgeHandler) (session, message) -> { }).log(storeWith(waiting)).workers(workers)
                .config(BridgeConfig.builder().maxQueuedMessages(maxQueued).build()).build();
        FakeTransport ws = FakeTransport.stream();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        ws.open.thenAccept(outcome::complete);
        bridge.attach(ws, new Frame.Attach(SID, "k1", 0, null), outcome::complete);
        return outcome;
    }

    @Test
    void aStoredSessionBeyondThisNodesLimitsIsRefusedWithWhy() throws Exception {
        Object outcome = attach(5, 3).get(10, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(BridgeException.class);
        BridgeException refused = (BridgeException) outcome;
        assertThat(refused.code()).isEqualTo(ErrorCode.UNKNOWN_SESSION);
        assertThat(refused.getMessage()).contains("--max-queued-messages");
        assertThat(bridge.find(SID)).as("not half restored").isNull();
    }

    @Test
    void aStoredSessionWithinTheLimitsResumesWithEveryMessage() throws Exception {
        Object outcome = attach(5, 10).get(10, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(Frame.Open.class);
        assertThat(bridge.find(SID)).isNotNull();
    }
}
