package io.cometbridge.api;

import io.cometbridge.protocol.Message;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A client's session as the application sees it, whatever transport carries it now. */
public interface BridgeSession {

    /** The session id (secret: treat it like a session cookie). */
    String id();

    /** The transport carrying the session now, or null while none is attached. For statistics only. */
    TransportKind transport();

    boolean isOpen();

    /** The A/B cohort the session was drawn into when it was created (fixed for its life). */
    default Cohort cohort() {
        return Cohort.CONTROL;
    }

    /**
     * Queues a message for the client and returns at once. The future completes when the client
     * has acknowledged the message, or exceptionally with {@link SessionClosedException} if the
     * session ends first.
     */
    CompletableFuture<Void> send(Message message);

    default CompletableFuture<Void> send(String text) {
        return send(Message.text(text));
    }

    default CompletableFuture<Void> sendBinary(byte[] data) {
        return send(Message.binary(data));
    }

    /** Closes the session with code 4000; the client is told. */
    default void close() {
        close(CloseReason.SERVER_CLOSED.code(), CloseReason.SERVER_CLOSED.reason());
    }

    /** Closes the session with an application code (4000–4999) and reason; the client is told. */
    void close(int code, String reason);

    /** Adds this session to a room (see {@link Rooms}); it leaves every room when it closes. */
    void join(String room);

    void leave(String room);

    Set<String> rooms();

    /**
     * The request that attached the transport carrying the session (in {@link BridgeHandler#onOpen}:
     * the one that opened it; later, the latest attach), with the headers the handler asked for in
     * {@link BridgeHandler#attachHeaders()}.
     */
    AttachRequest attachRequest();

    /**
     * Stops handing the client's messages to {@link BridgeHandler#onMessage} until
     * {@link #resumeReceiving()}, for an application that passes them on to something slower than
     * the client. Takes effect from the next message, even within a batch. The session goes on
     * reading acknowledgements and heartbeats; messages wait unacknowledged (the client keeps them
     * in its replay buffer), bounded by the replay-buffer limits, beyond which the transport is no
     * longer read. Any thread; pausing twice is pausing once.
     */
    void pauseReceiving();

    /**
     * Hands on what waited, in order, and goes on receiving. Any thread; the session's work runs
     * on its own executor afterwards, never on the caller's thread (safe under the caller's locks).
     */
    void resumeReceiving();

    /**
     * Who the client is, as the bridge's {@link Authenticator} accepted it at the session's opening
     * (every resume must be the same principal); null when the bridge has no authenticator.
     */
    java.security.Principal principal();

    /** Free-form per-session data for the application (thread-safe map). */
    java.util.Map<String, Object> attributes();
}
