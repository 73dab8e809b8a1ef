package io.cometbridge.samples.bench.floor;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A calibration instrument, not a transport: the least a handler of Jetty 12's WebSocket core can
 * do to answer the benchmark's WebSocket echo (docs/BENCHMARK.md, "The Jetty floor"), put in front
 * of the bridge's own endpoint at the same path, on the same connector. It speaks just enough of
 * docs/PROTOCOL.md sections 1-3: {@code attach} answers an open frame; a text data frame is
 * answered with its payload echoed under this socket's next number; everything else (acks,
 * pongs) is dropped. No session, no replay buffer, no acknowledgements, no limits, no Origin or
 * Host check: nothing of what the bridge guarantees. Each text message is decoded to a String and
 * the answer encoded from one, the work any application on Jetty does.
 */
public final class WebSocketFloor {
    private WebSocketFloor() {
    }

    /** {@code next} behind an upgrade handler that takes WebSocket upgrades at {@code path}. */
    public static Handler inFrontOf(Server server, Handler next, String path) {
        AtomicLong sessions = new AtomicLong();
        WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler(WebSocketServerComponents.ensureWebSocketComponents(server),
                upgrade -> upgrade.addMapping(path, (request, response, callback) -> new Echo("floor-" + sessions.incrementAndGet())));
        ws.setHandler(next);
        return ws;
    }

    private static final class Echo implements FrameHandler {
        private final String sid;
        private CoreSession socket;
        private long sent; // only the frame handler's calls touch it, one at a time (demand)

        Echo(String sid) {
            this.sid = sid;
        }

        @Override
        public void onOpen(CoreSession socket, Callback callback) {
            this.socket = socket;
            callback.succeeded();
            socket.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            if (frame.getOpCode() != OpCode.TEXT) { // the benchmark sends whole text messages only
                callback.succeeded();
                socket.demand();
                return;
            }
            String text = StandardCharsets.UTF_8.decode(frame.getPayload()).toString();
            callback.succeeded();
            String answer = null;
            if (text.startsWith("{\"t\":\"attach\"")) {
                answer = "{\"t\":\"open\",\"sid\":\"" + sid + "\",\"key\":\"k\"}";
            } else if (text.startsWith("[")) {
                int payloadStart = text.indexOf(',') + 1;
                int payloadEnd = text.lastIndexOf('"') + 1; // the payload is the only JSON string in the frame
                answer = "[" + (++sent) + "," + text.substring(payloadStart, payloadEnd) + "]";
            }
            if (answer == null) {
                socket.demand();
                return;
            }
            socket.sendFrame(new Frame(OpCode.TEXT, ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8))),
                    Callback.from(() -> { }, failure -> socket.abort()), false);
            socket.demand(); // like the bridge: the next frame is read once this one is handled, not once written
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            callback.succeeded();
        }
    }
}
