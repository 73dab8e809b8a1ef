package io.cometbridge.api;

import io.cometbridge.protocol.Message;

/**
 * Named groups of sessions for broadcast. Names are paths ({@code chat/demo}); a Bayeux client's
 * subscription to {@code /chat/demo} is membership of room {@code chat/demo}. A name whose last
 * segment is {@code *} (one level) or {@code **} (any depth) is a wildcard room that also receives
 * the broadcasts of every room it matches (docs/PROTOCOL.md, Bayeux endpoint).
 */
public interface Rooms {

    /**
     * Sends one message to every session in the room (optionally but one). The message is
     * serialized once for all receivers, and addressed to the room ({@link Message#topic()}).
     * Returns how many sessions it was queued for.
     *
     * <p>A large room's deliveries run on the server's worker threads. While they are behind (an
     * earlier broadcast has not reached every member yet), the call delivers waiting work on the
     * caller's thread before it returns: a broadcaster faster than the machine is slowed to the
     * rate the members are served, rather than queueing without bound.
     */
    int broadcast(String room, Message message, BridgeSession except);

    default int broadcast(String room, Message message) {
        return broadcast(room, message, null);
    }

    int size(String room);
}
