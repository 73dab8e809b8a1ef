package io.cometbridge.api;

import io.cometbridge.protocol.Message;

/** Named groups of sessions for broadcast. */
public interface Rooms {

    /**
     * Sends one message to every session in the room (optionally but one). The message is
     * serialized once for all receivers. Returns how many sessions it was queued for.
     */
    int broadcast(String room, Message message, BridgeSession except);

    default int broadcast(String room, Message message) {
        return broadcast(room, message, null);
    }

    int size(String room);
}
