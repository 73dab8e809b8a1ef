package io.cometbridge.session;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.FakeTransport;
import io.cometbridge.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that reach a durable session after it ended on this node (docs/SCALE_OUT.md). If it
 * ended only here (another node took it over), the client must hear {@code transport_replaced}
 * and attach again, which resumes the session where it now is; {@code unknown_session} would make
 * it start a new session and fail every send not yet acknowledged (the chaos test lost echoes so).
 * A request that waited for the failed commit is answered too, not left hanging.
 */
class SessionEndedHereTest {
    /** A store that keeps the session until told it moved (or was lost): then every commit says so. */
    private static final class SwitchableLog implements SessionLog {
        volatile Outcome outcome = Outcome.STORED;

        @Override public boolean durable() { return true; }
        @Override public CompletionStage<Outcome> commit(String sid, long generation, Commit commit) { return CompletableFuture.completedFuture(outcome); }
        @Override public CompletionStage<Restored> takeOver(String sid, String key, String principal) { return CompletableFuture.completedFuture(null); }
        @Override public CompletionStage<Outcome> touch(String sid, long generation) { return CompletableFuture.completedFuture(outcome); }
        @Override public void delete(String sid) { }
        @Override public CompletionStage<String> ownerOf(String sid) { return CompletableFuture.completedFuture(null); }
    }

    private final SwitchableLog log = new SwitchableLog();
    private final ExecutorService workers = Executors.newFixedThreadPool(2);
    private final Bridge bridge = Bridge.builder(new BridgeHandler() {
        @Override
        public void onMessage(BridgeSession session, Message message) {
            session.send(message);
        }
    }).log(log).workers(workers).build();

    @AfterEach
    void stop() {
        bridge.close();
        workers.shutdownNow();
    }

    @Test
    void aSessionTakenOverByAnotherNodeSendsItsClientToAttachAgain() throws Exception {
        FakeTransport poll = FakeTransport.batch(); // holds no receive: nothing is written
        Frame.Open open = opened(poll);
        Session session = bridge.find(open.sid());
        assertThat(poll.answerTo("[[1,\"m1\"]]").get(10, TimeUnit.SECONDS)).as("stored: accepted").isNull();

        log.outcome = SessionLog.Outcome.TAKEN_OVER; // another node took the session over
        assertThat(poll.answerTo("[[2,\"m2\"]]").get(10, TimeUnit.SECONDS))
                .as("a send whose commit found the session moved").isEqualTo(ErrorCode.TRANSPORT_REPLACED);
        assertThat(refusal(session, open.key())).as("a request of its transport, after").isEqualTo(ErrorCode.TRANSPORT_REPLACED);
        assertThat(poll.answerTo("[[3,\"m3\"]]").get(10, TimeUnit.SECONDS)).isEqualTo(ErrorCode.TRANSPORT_REPLACED);
        assertThat(refusal(session, "a-newer-owners-key")).as("keys the new owner gave out are not known here")
                .isEqualTo(ErrorCode.TRANSPORT_REPLACED);
        assertThat(bridge.find(open.sid())).as("gone from this node").isNull();
    }

    @Test
    void aSessionTheStoreLostIsUnknownToItsClient() throws Exception {
        FakeTransport poll = FakeTransport.batch(); // holds no receive: nothing is written
        Frame.Open open = opened(poll);
        Session session = bridge.find(open.sid());

        log.outcome = SessionLog.Outcome.GONE; // Redis lost its data
        assertThat(poll.answerTo("[[1,\"m1\"]]").get(10, TimeUnit.SECONDS)).isEqualTo(ErrorCode.UNKNOWN_SESSION);
        assertThat(refusal(session, open.key())).isEqualTo(ErrorCode.UNKNOWN_SESSION);
    }

    /** A new session over {@code poll}: its open frame. */
    private Frame.Open opened(FakeTransport poll) throws Exception {
        bridge.attach(poll, new Frame.Attach(null, 0), e -> { throw e; });
        return poll.open.get(10, TimeUnit.SECONDS);
    }

    /** What a request presenting {@code key} to the session's transport hears (null: it may act). */
    private static ErrorCode refusal(Session session, String key) throws Exception {
        CompletableFuture<ErrorCode> answer = new CompletableFuture<>();
        session.withTransport(Transport.class, key, t -> answer.complete(null), e -> answer.complete(e.code()));
        return answer.get(10, TimeUnit.SECONDS);
    }
}
