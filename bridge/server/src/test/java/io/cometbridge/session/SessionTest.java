package io.cometbridge.session;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.SessionClosedException;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.FakeTransport;
import io.cometbridge.testing.ManualScheduler;
import io.cometbridge.testing.RecordingApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The session's lifecycle and its use of the delivery channel, without sockets or sleeps: a fake
 * transport plays the client, a manual clock drives every timer, and session work runs inline.
 * (The delivery rules themselves are tested by the channel's shared case table.)
 */
class SessionTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final RecordingApp app = new RecordingApp(RecordingApp.Mode.RECORD);
    private Bridge bridge = bridge(BridgeConfig.builder());

    /** A bridge on the manual clock, running session work inline (a test's earlier bridge is closed first). */
    private Bridge bridge(BridgeConfig.Builder config) {
        if (bridge != null) bridge.close();
        return Bridge.builder(app).config(config.build()).scheduler(clock).workers(Runnable::run).build();
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    private String key; // the resume key of the latest open frame a test saw

    private Session open(FakeTransport t) {
        bridge.attach(t, new Frame.Attach(null, 0), e -> { throw e; });
        Frame.Open open = (Frame.Open) FrameCodec.decode(t.take().get(0));
        key = open.key();
        return bridge.find(open.sid());
    }

    private static Frame.Open openFrame(String json) {
        return (Frame.Open) FrameCodec.decode(json);
    }

    @Test
    void aNewSessionAnswersOpenThenTellsTheApplication() {
        FakeTransport ws = FakeTransport.stream();
        bridge.attach(ws, new Frame.Attach(null, 0), e -> { throw e; });
        Frame.Open open = openFrame(ws.take().get(0));
        assertThat(open.resumed()).isFalse();
        assertThat(open.ack()).isZero();
        assertThat(open.next()).isEqualTo(1);
        assertThat(open.settings().ackMillis()).isEqualTo(25);
        assertThat(open.key()).hasSize(22);
        assertThat(app.opened).containsKey(open.sid());
        assertThat(bridge.find(open.sid()).state()).isEqualTo(SessionState.ATTACHED);
    }

    @Test
    void sendsCompleteWhenTheClientAcknowledges() {
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        CompletableFuture<Void> first = s.send(Message.text("one"));
        CompletableFuture<Void> second = s.send(Message.text("two"));
        assertThat(ws.take()).containsExactly("[1,\"one\"]", "[2,\"two\"]");
        ws.fromClient("{\"t\":\"ack\",\"a\":1}");
        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
    }

    @Test
    void onAStreamTheAckWaitsForAReplyToRideOn() {
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        ws.fromClient("[1,\"hi\"]");
        assertThat(ws.take()).isEmpty();
        s.send(Message.text("reply"));
        assertThat(ws.take()).containsExactly("[1,\"reply\",1]");
        clock.advance(Duration.ofMillis(100));
        assertThat(ws.take()).isEmpty();
    }

    @Test
    void aReplyFromTheHandlerCarriesTheAckAndLeavesNoAckTimerBehind() {
        bridge.close();
        bridge = Bridge.builder(new RecordingApp(RecordingApp.Mode.ECHO)).config(BridgeConfig.builder().build())
                .scheduler(clock).workers(Runnable::run).build();
        FakeTransport ws = FakeTransport.stream();
        open(ws);
        long timers = clock.pending();
        ws.fromClient("[1,\"hi\"]"); // the reply is queued behind the ack check: it flushes there, with the ack on it
        assertThat(ws.take()).containsExactly("[1,\"hi\",1]");
        assertThat(clock.pending()).as("timers armed by the message").isEqualTo(timers);
    }

    @Test
    void onAStreamALoneAckGoesOutAfterTheDelay() {
        FakeTransport ws = FakeTransport.stream();
        open(ws);
        ws.fromClient("[1,\"hi\"]");
        clock.advance(Duration.ofMillis(24));
        assertThat(ws.take()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(ws.take()).containsExactly("{\"t\":\"ack\",\"a\":1}");
    }

    @Test
    void aPollIsAnsweredWithWhatWaitsAndASendWithTheAck() {
        FakeTransport polling = FakeTransport.batch();
        Session s = open(polling);
        s.send(Message.text("queued"));
        assertThat(polling.take()).isEmpty(); // no poll held
        polling.poll(0);
        assertThat(polling.take()).containsExactly("[[1,\"queued\"]]");
        polling.fromClient("[1,\"up\"]", "{\"t\":\"ping\",\"ts\":5}");
        assertThat(polling.lastReply).extracting(FrameCodec::encode).containsExactly("{\"t\":\"pong\",\"ts\":5}", "{\"t\":\"ack\",\"a\":1}");
        assertThat(app.receivedBy(s.id())).extracting(Message::text).containsExactly("up");
    }

    @Test
    void aLostPollResponseIsSentAgainOnTheNextPoll() {
        FakeTransport polling = FakeTransport.batch();
        Session s = open(polling);
        polling.poll(0);
        s.send(Message.text("a"));
        assertThat(polling.take()).containsExactly("[[1,\"a\"]]");
        polling.poll(0); // the client never saw it
        assertThat(polling.take()).containsExactly("[[1,\"a\"]]");
        s.send(Message.text("b"));
        polling.poll(1);
        assertThat(polling.take()).containsExactly("[[2,\"b\"]]");
    }

    @Test
    void aNewerTransportReplacesTheOldOneAndTheRestIsResent() {
        FakeTransport polling = FakeTransport.batch();
        Session s = open(polling);
        s.send(Message.text("a"));
        s.send(Message.text("b"));
        polling.poll(0);
        assertThat(polling.take()).containsExactly("[[1,\"a\"],[2,\"b\"]]");
        FakeTransport ws = FakeTransport.stream();
        bridge.attach(ws, new Frame.Attach(s.id(), key, 1, null), e -> { throw e; });
        assertThat(polling.closeCode).isEqualTo(ErrorCode.TRANSPORT_REPLACED.closeCode());
        List<String> sent = ws.take();
        Frame.Open open = openFrame(sent.get(0));
        assertThat(open.resumed()).isTrue();
        assertThat(open.next()).isEqualTo(2);
        assertThat(sent.subList(1, sent.size())).containsExactly("[2,\"b\"]");
        assertThat(app.opened).hasSize(1); // resuming is not opening
    }

    @Test
    void anAttachNamingMessagesNeverSentIsRefused() {
        FakeTransport first = FakeTransport.stream();
        Session s = open(first);
        BridgeException[] refused = new BridgeException[1];
        bridge.attach(FakeTransport.stream(), new Frame.Attach(s.id(), key, 5, null), e -> refused[0] = e);
        assertThat(refused[0].code()).isEqualTo(ErrorCode.BAD_SEQUENCE);
        assertThat(first.closeCode).isNull();
    }

    @Test
    void resumingNeedsTheLatestKeyOrTheLastOneTheClientUsed() {
        FakeTransport first = FakeTransport.stream();
        Session s = open(first);
        String k1 = key;
        List<ErrorCode> refused = new java.util.ArrayList<>();
        bridge.attach(FakeTransport.stream(), new Frame.Attach(s.id(), null, 0, null), e -> refused.add(e.code()));
        bridge.attach(FakeTransport.stream(), new Frame.Attach(s.id(), "not-the-key", 0, null), e -> refused.add(e.code()));
        assertThat(refused).containsExactly(ErrorCode.UNKNOWN_SESSION, ErrorCode.UNKNOWN_SESSION);
        assertThat(first.closeCode).as("a refused attach takes nothing over").isNull();

        // The client resumes with k1 twice, and both open frames (k2, k3) are lost in flight: k1 still works.
        String latest = null;
        for (int i = 0; i < 2; i++) {
            FakeTransport t = FakeTransport.stream();
            bridge.attach(t, new Frame.Attach(s.id(), k1, 0, null), e -> { throw e; });
            latest = openFrame(t.take().get(0)).key();
            assertThat(latest).isNotEqualTo(k1);
        }
        // Once the client presents the latest key, the older ones are retired.
        FakeTransport t = FakeTransport.stream();
        bridge.attach(t, new Frame.Attach(s.id(), latest, 0, null), e -> { throw e; });
        bridge.attach(FakeTransport.stream(), new Frame.Attach(s.id(), k1, 0, null), e -> refused.add(e.code()));
        assertThat(refused).hasSize(3);
    }

    @Test
    void aSilentStreamIsDetachedAndTheGracePeriodEndsTheSession() {
        bridge = bridge(BridgeConfig.builder().heartbeatInterval(Duration.ofSeconds(5)).gracePeriod(Duration.ofSeconds(30)));
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        clock.advance(Duration.ofSeconds(5));
        assertThat(ws.take()).singleElement().asString().startsWith("{\"t\":\"ping\"");
        clock.advance(Duration.ofSeconds(5)); // silent for exactly 2 x 5 s: not yet
        assertThat(ws.closeCode).isNull();
        clock.advance(Duration.ofSeconds(5)); // the next beat finds it silent for 15 s
        assertThat(ws.closeCode).isEqualTo(ErrorCode.HEARTBEAT_TIMEOUT.closeCode());
        assertThat(s.state()).isEqualTo(SessionState.DETACHED);
        clock.advance(Duration.ofSeconds(29));
        assertThat(s.state()).isEqualTo(SessionState.DETACHED);
        clock.advance(Duration.ofSeconds(1));
        assertThat(s.state()).isEqualTo(SessionState.CLOSED);
        assertThat(app.closed.get(s.id())).isEqualTo(CloseReason.GRACE_EXPIRED);
        assertThat(bridge.find(s.id())).isNull();
        assertThat(clock.pending()).isEqualTo(3); // only the bridge's own: the reaper, the attach-deadline and the heartbeat sweeps
    }

    @Test
    void aHeldPollIsProofOfLife() {
        bridge = bridge(BridgeConfig.builder().heartbeatInterval(Duration.ofSeconds(5)).pollTimeout(Duration.ofSeconds(60)));
        FakeTransport polling = FakeTransport.batch();
        Session s = open(polling);
        polling.poll(0);
        clock.advance(Duration.ofSeconds(30));
        assertThat(s.state()).isEqualTo(SessionState.ATTACHED);
        assertThat(polling.take()).isEmpty(); // no pings on polling
    }

    @Test
    void aTransportThatClosedByItselfIsNotToldItWasReplaced() {
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        ws.listener.closed(ws);
        assertThat(s.state()).isEqualTo(SessionState.DETACHED);
        assertThat(ws.closeCode).isNull();
    }

    @Test
    void closingOverPollingWaitsForTheNextPollThenEnds() {
        FakeTransport polling = FakeTransport.batch();
        Session s = open(polling);
        CompletableFuture<Void> unacked = s.send(Message.text("never acknowledged"));
        s.close(4100, "bye");
        assertThat(s.state()).isEqualTo(SessionState.CLOSING);
        assertThat(s.isOpen()).isFalse();
        assertThat(app.closed.get(s.id())).isEqualTo(new CloseReason(4100, "bye"));
        assertThat(unacked).isCompletedExceptionally();
        assertThat(bridge.find(s.id())).isSameAs(s); // still findable: the close frame waits
        polling.poll(0);
        assertThat(polling.take()).containsExactly("[{\"t\":\"close\",\"code\":4100,\"reason\":\"bye\"}]");
        assertThat(s.state()).isEqualTo(SessionState.CLOSED);
        assertThat(bridge.find(s.id())).isNull();
    }

    @Test
    void closingEndsAfterTheHeartbeatTimeoutWhenNobodyCollectsTheCloseFrame() {
        bridge = bridge(BridgeConfig.builder().heartbeatInterval(Duration.ofSeconds(5)));
        FakeTransport polling = FakeTransport.batch();
        Session s = open(polling);
        s.close(4000, "server closed");
        clock.advance(Duration.ofSeconds(10));
        assertThat(s.state()).isEqualTo(SessionState.CLOSED);
        assertThat(bridge.find(s.id())).isNull();
    }

    @Test
    void aClosingSessionAnswersASendWithTheCloseFrame() {
        FakeTransport polling = FakeTransport.batch();
        Session s = open(polling);
        s.close(4000, "done");
        polling.fromClient("[1,\"late\"]");
        assertThat(polling.lastReply).extracting(FrameCodec::encode).containsExactly("{\"t\":\"close\",\"code\":4000,\"reason\":\"done\"}");
        assertThat(s.state()).isEqualTo(SessionState.CLOSED);
        assertThat(app.receivedBy(s.id())).isEmpty();
    }

    @Test
    void onAStreamTheCloseFrameGoesOutAtOnceAndTheSocketCloses() {
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        s.close(CloseReason.SHUTDOWN);
        assertThat(ws.take()).containsExactly("{\"t\":\"close\",\"code\":4003,\"reason\":\"server shutdown\"}");
        assertThat(ws.closeCode).isEqualTo(1001);
        assertThat(s.state()).isEqualTo(SessionState.CLOSED);
    }

    @Test
    void theClientsCloseEndsTheSessionWithItsCode() {
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        ws.fromClient("{\"t\":\"close\",\"code\":1000,\"reason\":\"closed by the client\"}");
        assertThat(app.closed.get(s.id())).isEqualTo(CloseReason.CLIENT_CLOSED);
        assertThat(s.state()).isEqualTo(SessionState.CLOSED);
        assertThat(ws.closeCode).isEqualTo(1000);
        assertThat(ws.take()).isEmpty(); // nothing to tell a client that closed
    }

    @Test
    void applicationCloseCodesAreCheckedAndReasonsCapped() {
        Session s = open(FakeTransport.stream());
        assertThatThrownBy(() -> s.close(1000, "not mine")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.close(5000, "out of range")).isInstanceOf(IllegalArgumentException.class);
        s.close(4999, "x".repeat(500));
        assertThat(app.closed.get(s.id()).reason()).hasSize(123);
    }

    @Test
    void aClientThatDoesNotKeepUpLosesItsSessionNotTheServerItsMemory() {
        bridge = bridge(BridgeConfig.builder().maxQueuedMessages(3));
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        for (int i = 0; i < 3; i++) s.send(Message.text("m" + i));
        CompletableFuture<Void> fourth = s.send(Message.text("too many"));
        assertThat(fourth).isCompletedExceptionally();
        assertThat(app.closed.get(s.id())).isEqualTo(CloseReason.QUEUE_FULL);
        assertThatThrownBy(fourth::join).hasCauseInstanceOf(SessionClosedException.class);
    }

    @Test
    void aGapIsTheTransportsErrorAndTheSessionLivesOn() {
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        ws.fromClient("[1,\"a\"]", "[3,\"c\"]");
        assertThat(ws.lastError.code()).isEqualTo(ErrorCode.BAD_SEQUENCE);
        assertThat(app.receivedBy(s.id())).extracting(Message::text).containsExactly("a");
        assertThat(s.state()).isEqualTo(SessionState.ATTACHED);
    }

    @Test
    void requestsForATransportThatNoLongerCarriesTheSessionAreRefused() {
        FakeTransport first = FakeTransport.batch();
        Session s = open(first);
        String firstKey = key;
        List<ErrorCode> refusals = new java.util.ArrayList<>();
        List<FakeTransport> served = new java.util.ArrayList<>();
        s.withTransport(FakeTransport.class, firstKey, served::add, e -> refusals.add(e.code()));
        s.withTransport(FakeTransport.class, "never-given-out", served::add, e -> refusals.add(e.code()));
        FakeTransport second = FakeTransport.batch();
        bridge.attach(second, new Frame.Attach(s.id(), firstKey, 0, null), e -> { throw e; });
        s.withTransport(FakeTransport.class, firstKey, served::add, e -> refusals.add(e.code())); // the old transport's request
        first.listener.closed(second); // the new one ends: DETACHED, nothing carries it
        s.close(4000, "over");
        s.withTransport(FakeTransport.class, firstKey, served::add, e -> refusals.add(e.code()));
        assertThat(served).containsExactly(first);
        assertThat(refusals).containsExactly(ErrorCode.UNKNOWN_SESSION, ErrorCode.TRANSPORT_REPLACED, ErrorCode.UNKNOWN_SESSION);
    }
}
