package io.cometbridge.session;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.CloseReason;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.FakeTransport;
import io.cometbridge.testing.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BridgeSession#pauseReceiving()}: client messages wait unacknowledged and bounded while
 * acknowledgements and heartbeats go on; resumed, they are delivered in order. Deterministic: a
 * fake transport plays the client, a manual clock drives the timers, session work runs inline.
 */
class ReceiveGateTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final List<String> delivered = new ArrayList<>();
    private CloseReason closed;
    /** The application pauses itself when a message says "pause" (as the gateway does when its upstream lags). */
    private final BridgeHandler app = new BridgeHandler() {
        @Override
        public void onMessage(BridgeSession session, Message message) {
            delivered.add(message.text());
            if (message.text().equals("pause")) session.pauseReceiving();
        }

        @Override
        public void onClose(BridgeSession session, CloseReason reason) {
            closed = reason;
        }
    };
    private Bridge bridge = bridge(BridgeConfig.builder());

    private Bridge bridge(BridgeConfig.Builder config) {
        if (bridge != null) bridge.close();
        return Bridge.builder(app).config(config.build()).scheduler(clock).workers(Runnable::run).build();
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    private String key; // the resume key of the latest open frame

    private Session open(FakeTransport t) {
        bridge.attach(t, new Frame.Attach(null, 0), e -> { throw e; });
        Frame.Open open = (Frame.Open) FrameCodec.decode(t.take().get(0));
        key = open.key();
        return bridge.find(open.sid());
    }

    @Test
    void pausingTakesEffectWithinABatchAndResumingDeliversInOrder() {
        FakeTransport polling = FakeTransport.batch();
        Session s = open(polling);
        polling.fromClient("[1,\"a\"]", "[2,\"pause\"]", "[3,\"b\"]", "[4,\"c\"]");
        assertThat(delivered).containsExactly("a", "pause");
        assertThat(polling.lastReply).extracting(FrameCodec::encode).containsExactly("{\"t\":\"ack\",\"a\":2}"); // b and c are not acknowledged
        s.resumeReceiving();
        assertThat(delivered).containsExactly("a", "pause", "b", "c");
        polling.poll(0);
        assertThat(polling.take()).containsExactly("[{\"t\":\"ack\",\"a\":4}]"); // the next poll tells the client
    }

    @Test
    void whilePausedAcknowledgementsAndPingsStillActOnAStream() {
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        CompletableFuture<Void> sent = s.send(Message.text("down"));
        ws.take();
        s.pauseReceiving();
        ws.fromClient("[1,\"up\",1]"); // held, but its piggybacked ack acts now
        ws.fromClient("{\"t\":\"ping\",\"ts\":7}");
        assertThat(sent).isCompleted();
        assertThat(ws.take()).containsExactly("{\"t\":\"pong\",\"ts\":7}");
        assertThat(ws.replies).isEqualTo(2); // both read: the socket is read on
        assertThat(delivered).isEmpty();
        clock.advance(Duration.ofMillis(100));
        assertThat(ws.take()).isEmpty(); // nothing delivered, nothing acknowledged
        s.resumeReceiving();
        assertThat(delivered).containsExactly("up");
        clock.advance(Duration.ofMillis(25));
        assertThat(ws.take()).containsExactly("{\"t\":\"ack\",\"a\":1}");
    }

    @Test
    void pastTheBoundTheTransportIsNoLongerReadUntilResumed() {
        bridge = bridge(BridgeConfig.builder().maxQueuedMessages(2).heartbeatInterval(Duration.ofSeconds(5)));
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        s.pauseReceiving();
        ws.fromClient("[1,\"a\"]");
        ws.fromClient("[2,\"b\"]");
        assertThat(ws.replies).isEqualTo(2);
        ws.fromClient("[3,\"c\"]"); // no room: its answer (the next read) waits
        assertThat(ws.replies).isEqualTo(2);
        clock.advance(Duration.ofSeconds(30)); // silent, but by the session's own doing: no heartbeat timeout
        assertThat(ws.closeCode).isNull();
        s.resumeReceiving();
        assertThat(delivered).containsExactly("a", "b", "c");
        assertThat(ws.replies).isEqualTo(3);
        assertThat(ws.lastError).isNull();
    }

    @Test
    void aPollingSendWaitsWhenFullAndARetryReplacesTheStaleOne() {
        bridge = bridge(BridgeConfig.builder().maxQueuedMessages(2));
        FakeTransport polling = FakeTransport.batch();
        Session s = open(polling);
        s.pauseReceiving();
        polling.fromClient("[1,\"a\"]", "[2,\"b\"]", "[3,\"c\"]");
        assertThat(polling.replies).isZero(); // c did not fit: the answer waits
        polling.fromClient("[1,\"a\"]", "[2,\"b\"]", "[3,\"c\"]"); // the client gave up and sent again
        assertThat(polling.replies).isEqualTo(1); // the stale one is answered...
        assertThat(polling.lastReply).extracting(FrameCodec::encode).containsExactly("{\"t\":\"ack\",\"a\":0}"); // ...having taken nothing
        s.resumeReceiving();
        assertThat(delivered).containsExactly("a", "b", "c");
        assertThat(polling.replies).isEqualTo(2);
        assertThat(polling.lastReply).extracting(FrameCodec::encode).containsExactly("{\"t\":\"ack\",\"a\":3}");
    }

    @Test
    void heldMessagesResentOverANewTransportAreDeliveredOnce() {
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        s.pauseReceiving();
        ws.fromClient("[1,\"a\"]");
        ws.fromClient("[2,\"b\"]");
        FakeTransport polling = FakeTransport.batch();
        bridge.attach(polling, new Frame.Attach(s.id(), key, 0, null), e -> { throw e; });
        Frame.Open open = (Frame.Open) FrameCodec.decode(polling.take().get(0));
        assertThat(open.ack()).isZero(); // held messages were never acknowledged: the client resends them
        polling.fromClient("[1,\"a\"]", "[2,\"b\"]", "[3,\"c\"]");
        s.resumeReceiving();
        assertThat(delivered).containsExactly("a", "b", "c");
    }

    @Test
    void aGapWhilePausedIsTheTransportsError() {
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        s.pauseReceiving();
        ws.fromClient("[1,\"a\"]");
        ws.fromClient("[3,\"c\"]");
        assertThat(ws.lastError.code()).isEqualTo(ErrorCode.BAD_SEQUENCE);
        s.resumeReceiving();
        assertThat(delivered).containsExactly("a");
        assertThat(s.state()).isEqualTo(SessionState.ATTACHED);
    }

    @Test
    void aCloseWaitsBehindHeldMessagesAndEndingTheSessionAnswersAWaitingBatch() {
        FakeTransport ws = FakeTransport.stream();
        Session s = open(ws);
        s.pauseReceiving();
        ws.fromClient("[1,\"a\"]");
        ws.fromClient("{\"t\":\"close\",\"code\":1000,\"reason\":\"bye\"}");
        assertThat(closed).isNull();
        s.resumeReceiving();
        assertThat(delivered).containsExactly("a");
        assertThat(closed).isEqualTo(new CloseReason(1000, "bye"));

        bridge = bridge(BridgeConfig.builder().maxQueuedMessages(1));
        FakeTransport polling = FakeTransport.batch();
        Session other = open(polling);
        other.pauseReceiving();
        polling.fromClient("[1,\"x\"]", "[2,\"y\"]");
        assertThat(polling.replies).isZero();
        other.close(4000, "over");
        assertThat(polling.replies).isEqualTo(1); // released, not left hanging
        assertThat(delivered).containsExactly("a");
    }
}
