package io.cometbridge.samples.scaleout;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.Rooms;
import io.cometbridge.protocol.Message;

/**
 * The application of the test cluster's nodes: {@code j} joins room {@value #ROOM} (answered
 * {@code j}), {@code b:TEXT} broadcasts {@code b:TEXT} to that room (on every node), anything else
 * {@code i} is answered {@code i:} and the session's id, anything else is echoed back.
 */
final class ScaleOutApp implements BridgeHandler {
    static final String ROOM = "fan";
    private volatile Rooms rooms;

    void rooms(Rooms rooms) {
        this.rooms = rooms;
    }

    @Override
    public void onMessage(BridgeSession session, Message message) {
        String text = message.isBinary() ? "" : message.text();
        if (text.equals("j")) {
            session.join(ROOM);
            session.send(message);
        } else if (text.equals("i")) { // which session this is, for a browser that cannot see its id
            session.send(Message.text("i:" + session.id()));
        } else if (text.startsWith("b:")) {
            rooms.broadcast(ROOM, message);
        } else {
            session.send(message);
        }
    }
}
