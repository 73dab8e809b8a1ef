package io.cometbridge.server;

import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.Bridge;
import io.cometbridge.testing.RecordingApp;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Frames the session drains together leave in one socket write: all but the last go to Jetty's
 * frame flusher as a batch, which it writes out with the last one. (Narrow unit test: Jetty's
 * session is a mock so the batch flags can be seen; the real socket path runs in every
 * WebSocket test.)
 */
class WebSocketBatchWriteTest {

    @Test
    void framesQueuedTogetherAreOneBatchEndedByTheLastFrame() {
        Bridge bridge = Bridge.builder(new RecordingApp(RecordingApp.Mode.RECORD)).build();
        try {
            CoreSession core = mock(CoreSession.class);
            WebSocketTransport transport = new WebSocketTransport(bridge);
            transport.onOpen(core, Callback.NOOP);

            transport.send(List.of(new Frame.Data(1, Message.text("a")), new Frame.Data(2, Message.text("b")),
                    new Frame.Ack(7)));

            ArgumentCaptor<Boolean> batch = ArgumentCaptor.forClass(Boolean.class);
            ArgumentCaptor<org.eclipse.jetty.websocket.core.Frame> frames =
                    ArgumentCaptor.forClass(org.eclipse.jetty.websocket.core.Frame.class);
            verify(core, times(3)).sendFrame(frames.capture(), any(Callback.class), batch.capture());
            assertThat(batch.getAllValues()).containsExactly(true, true, false);
            assertThat(frames.getAllValues()).extracting(org.eclipse.jetty.websocket.core.Frame::getPayloadAsUTF8)
                    .containsExactly("[1,\"a\"]", "[2,\"b\"]", "{\"t\":\"ack\",\"a\":7}");
        } finally {
            bridge.close();
        }
    }
}
