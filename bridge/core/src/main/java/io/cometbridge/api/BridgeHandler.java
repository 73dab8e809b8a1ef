package io.cometbridge.api;

import io.cometbridge.protocol.Message;

import java.util.Set;

/**
 * The application's side of a bridge. The same handler serves every transport: nothing here says
 * whether a session is on WebSocket or long-polling.
 *
 * <p>Callbacks for one session run one at a time, in order (never concurrently), on the thread that
 * gave the session its work: usually the server's I/O thread that read the message, which on the
 * standalone server is its connection's selector thread, shared with other connections. Do not
 * block in them (hand blocking work to an executor of your own); {@link BridgeSession#send} never
 * blocks.
 */
public interface BridgeHandler {

    /** A new session opened (not called again when it resumes on another transport). */
    default void onOpen(BridgeSession session) {
    }

    /** A message from the client, delivered exactly once and in order. */
    void onMessage(BridgeSession session, Message message);

    /** The session ended; {@code reason} says why (see {@link CloseReason}). Called exactly once. */
    default void onClose(BridgeSession session, CloseReason reason) {
    }

    /**
     * The request headers this application reads from {@link BridgeSession#attachRequest()}
     * (lower-case names). The server keeps only these, per session; default none.
     */
    default Set<String> attachHeaders() {
        return Set.of();
    }
}
