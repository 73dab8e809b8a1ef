package io.cometbridge.gateway;

import io.cometbridge.protocol.Message;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt at an upstream WebSocket, as a Jetty listener with explicit demand: it reads a frame
 * only when its {@link UpstreamLink} asks ({@link #demand()}). Every event goes to the link, which
 * ignores events of connections it no longer uses. It reports its end once, however Jetty says it.
 * (Public only because Jetty calls listener methods through a public lookup; nothing else is.)
 */
public final class UpstreamConnection implements Session.Listener {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final UpstreamLink link;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Session socket;

    UpstreamConnection(UpstreamLink link) {
        this.link = link;
    }

    // ---------------------------------------------------------------- for the link

    void demand() {
        Session s = socket;
        if (s != null) s.demand();
    }

    /** Writes a message; {@code written} runs when it is on the socket (or failed: the close event follows). */
    void send(Message m, Runnable written) {
        Callback done = Callback.from(written, failure -> written.run());
        try {
            if (m.isBinary()) {
                socket.sendBinary(ByteBuffer.wrap(m.bytes()), done);
            } else {
                socket.sendText(m.text(), done);
            }
        } catch (RuntimeException e) { // a socket closing under us: the window must not keep the message
            written.run();
        }
    }

    void ping() {
        Session s = socket;
        if (s != null && s.isOpen()) s.sendPing(EMPTY.duplicate(), Callback.NOOP);
    }

    /** Ends the connection with a close frame (the link no longer wants it). */
    void close(int code, String reason) {
        ended.set(true);
        Session s = socket;
        if (s != null) s.close(code, reason, Callback.NOOP);
    }

    /** The connect attempt failed before the upgrade: refused (HTTP status) or unreachable. */
    void connectFailed(Throwable cause) {
        Throwable c = cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof UpgradeException u && u.getResponseStatusCode() > 0) {
            end(0, "refused: HTTP " + u.getResponseStatusCode(), u.getResponseStatusCode() >= 400 && u.getResponseStatusCode() < 500);
        } else {
            end(0, "unreachable: " + describe(c), false);
        }
    }

    // ---------------------------------------------------------------- Jetty events

    @Override
    public void onWebSocketOpen(Session session) {
        socket = session;
        link.connected(this);
    }

    @Override
    public void onWebSocketText(String text) {
        link.fromUpstream(this, Message.text(text));
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        byte[] copy = new byte[payload.remaining()];
        payload.get(copy);
        callback.succeed(); // Jetty reuses the buffer
        link.fromUpstream(this, Message.binary(copy));
    }

    /** Answers and reads on: a ping used the demand the link gave, and says nothing about the window. */
    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.slice()).flip();
        socket.sendPong(copy, Callback.from(socket::demand, failure -> { }));
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        socket.demand();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        callback.succeed();
        end(statusCode, reason, false);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        if (socket == null) {
            connectFailed(cause);
        } else {
            end(1006, describe(cause), false);
        }
    }

    private void end(int code, String reason, boolean refused) {
        if (ended.compareAndSet(false, true)) link.lost(this, code, reason == null ? "" : reason, refused);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
