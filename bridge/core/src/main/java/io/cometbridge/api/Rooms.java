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
     */
    int broadcast(String room, Message message, BridgeSession except);

    default int broadcast(String room, Message message) {
        return broadcast(room, message, null);
    }

    int size(String room);
}
