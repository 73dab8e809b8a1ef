package io.cometbridge.bayeux;

import com.google.gson.JsonObject;
import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.transport.ConnectionMeter;
import io.cometbridge.transport.TransportListener;
import io.cometbridge.transport.WireTally;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One WebSocket of the Bayeux {@code websocket} connection type: each text message is a batch of
 * Bayeux messages, and each batch is answered by one text message once all its answers are known
 * (a held connect's answer comes later, as its own message). The next text message is read only
 * once the previous batch was processed, so a fast client cannot queue unbounded work. Malformed
 * input gets the Bayeux error form and the socket stays usable. (Public only because Jetty calls its
 * listener methods through method handles.)
 */
public final class BayeuxSocket implements Session.Listener, Link, Conduit {
    private final BayeuxEngine engine;
    private final ConnectionMeter meter;
    private final String remoteAddress;
    private volatile Session socket;
    private volatile BayeuxTransport transport; // the transport the session attached on this socket, if any
    private volatile boolean ended;

    BayeuxSocket(BayeuxEngine engine, ConnectionMeter meter, String remoteAddress) {
        this.engine = engine;
        this.meter = meter;
        this.remoteAddress = remoteAddress;
    }

    // ---------------------------------------------------------------- Jetty events

    @Override
    public void onWebSocketOpen(Session socket) {
        this.socket = socket;
        socket.demand();
    }

    @Override
    public void onWebSocketText(String text) {
        List<JsonObject> messages;
        try {
            messages = BayeuxJson.parseBatch(text, engine.bridge().config().maxBatchFrames());
        } catch (BridgeException e) {
            write(BayeuxJson.errorBatch(e));
            socket.demand();
            return;
        }
        engine.process(messages, this, this).whenProcessed(socket::demand);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        write(BayeuxJson.errorBatch(new BridgeException(ErrorCode.MALFORMED, "Bayeux messages are JSON text")));
        socket.demand();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        ended();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        ended();
    }

    /** The session carried here loses its transport (grace period); a held connect dies with the socket. */
    private void ended() {
        ended = true;
        BayeuxTransport t = transport;
        TransportListener session = t == null ? null : t.session();
        if (session != null) session.closed(t);
    }

    // ---------------------------------------------------------------- Conduit

    @Override
    public void write(String jsonArray) {
        if (!ended) socket.sendText(jsonArray, Callback.NOOP);
    }

    @Override
    public void onAbandoned(Runnable r) {
        // a WebSocket's end reaches the session as a closed transport instead
    }

    // ---------------------------------------------------------------- Link

    @Override
    public TransportKind kind() {
        return TransportKind.BAYEUX_WEBSOCKET;
    }

    @Override
    public String connectionType() {
        return "websocket";
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public void charge(WireTally tally) {
        meter.chargeTo(tally, TransportKind.BAYEUX_WEBSOCKET); // the first session on this socket gets its bytes
    }

    @Override
    public boolean carries(BayeuxTransport t) {
        return t.link() == this;
    }

    @Override
    public void attached(BayeuxTransport t) {
        transport = t;
        if (ended) t.session().closed(t); // the socket ended while the attach was under way
    }

    @Override
    public void released(int closeCode, String reason) {
        if (ended) return;
        ended = true;
        socket.close(closeCode, reason, Callback.NOOP);
    }
}
