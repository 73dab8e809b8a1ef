package io.cometbridge.client;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.Message;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * The Java client: one session with a Comet Bridge server over WebSocket or long-polling, with
 * the same exactly-once, in-order guarantees as the server: both sit on the same delivery
 * channel (docs/PROTOCOL.md section 2).
 *
 * <p>It tries the transports in the configured order, falls back when one fails, resumes its
 * session after a dropped connection, and moves to another transport on demand
 * ({@link #switchTo}). When the server no longer knows the session, it starts a new one and says
 * so through {@link Listener#onSessionLost}. Nothing here blocks; listener callbacks run one at a
 * time on the client's executor.
 */
public final class BridgeClient implements AutoCloseable {

    /** What the application hears. Callbacks run one at a time on the client's executor. */
    public interface Listener {
        /** A session opened (a new one: not called when the same session resumes). */
        default void onOpen(BridgeClient client) {
        }

        void onMessage(BridgeClient client, Message message);

        /** The session ended for good; the client will not reconnect. */
        default void onClose(BridgeClient client, CloseReason reason) {
        }

        /** The session now rides on another transport. */
        default void onTransportChange(BridgeClient client, TransportKind transport) {
        }

        /**
         * The server no longer knows the session (its grace period ran out, or it restarted).
         * Unacknowledged sends failed; the client opens a new session next ({@link #onOpen} follows).
         */
        default void onSessionLost(BridgeClient client, String reason) {
        }

        /**
         * A connection was cut after {@code silentMillis} without traffic (a proxy's idle timeout):
         * the client now keeps its connections busy every {@code keepaliveMillis}. Called again with
         * {@code confirmed} once no further cut came for three times that silence.
         */
        default void onIdleCut(BridgeClient client, long silentMillis, long keepaliveMillis, boolean confirmed) {
        }

        /**
         * The session lost its transport (or an attach failed): the client tries {@code next} after
         * {@code delayMillis}, attempt {@code attempt} in a row. The session lives on meanwhile.
         */
        default void onReconnecting(BridgeClient client, TransportKind next, long delayMillis, int attempt) {
        }

        /** The session is back, resumed over {@code transport} after {@link #onReconnecting}: nothing was lost. */
        default void onReconnected(BridgeClient client, TransportKind transport) {
        }

        /**
         * A background probe moved the session from {@code from} (polling) up to WebSocket: nothing
         * was lost or delivered twice. {@link #onTransportChange} is called too.
         */
        default void onUpgraded(BridgeClient client, TransportKind from) {
        }

        /**
         * WebSockets to this bridge opened and were lost soon after, again and again: the session
         * stays on polling for {@code forMillis} ({@link BridgeClientBuilder#demoteWebSocketFor}),
         * then probes WebSocket again.
         */
        default void onDemoted(BridgeClient client, String reason, long forMillis) {
        }
    }

    public enum State { CONNECTING, OPEN, RECONNECTING, CLOSED }

    private final ClientSession session;

    BridgeClient(ClientConfig config) {
        this.session = new ClientSession(this, config);
    }

    public static BridgeClientBuilder builder(URI bridgeUri) {
        return new BridgeClientBuilder(bridgeUri);
    }

    /**
     * Opens the session; the future completes when the first transport is attached, or fails after
     * the open timeout (the client keeps trying in the background until {@link #close()}).
     */
    public CompletableFuture<Void> connect() {
        return session.connect();
    }

    /** Queues a message; completes when the server acknowledges it. Never blocks. */
    public CompletableFuture<Void> send(Message message) {
        return session.send(message);
    }

    public CompletableFuture<Void> send(String text) {
        return send(Message.text(text));
    }

    /** Moves the session to another transport; completes once it is attached there. */
    public CompletableFuture<Void> switchTo(TransportKind kind) {
        return session.switchTo(kind);
    }

    /**
     * Closes the session (code 1000); the server's application is told. Messages not yet
     * acknowledged fail; the close frame goes after what is already on the wire.
     */
    @Override
    public void close() {
        session.close();
    }

    public State state() {
        return session.state();
    }

    /** The transport the session rides on now (null while reconnecting). */
    public TransportKind transport() {
        return session.transport();
    }

    public String sessionId() {
        return session.sessionId();
    }

    /** A diagnostic snapshot (racy reads; for logs and test failures). Never prints the session id. */
    @Override
    public String toString() {
        return session.toString();
    }

    /** For fault injection in tests (the client test-jar's {@code ClientFaults}); not an API. */
    ClientSession session() {
        return session;
    }
}
