package io.cometbridge.samples.demo;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.Rooms;

/**
 * Room "chat": every message goes to everyone in the room, the sender included. Broadcasts are
 * made one at a time (under this object's lock), so every member receives them in the same order
 * and every page shows the same history.
 */
final class ChatRoom {
    static final String ROOM = "chat";
    static final int MAX_NAME = 40;
    static final int MAX_TEXT = 2000;
    private static final String NAME = "demo.chat.name";   // session attribute: the name last used
    private static final String MEMBER = "demo.chat.member"; // session attribute: in the room

    private final Rooms rooms;

    ChatRoom(Rooms rooms) {
        this.rooms = rooms;
    }

    synchronized void join(BridgeSession session, String name) {
        if (name != null) session.attributes().put(NAME, name);
        if (session.attributes().putIfAbsent(MEMBER, Boolean.TRUE) != null) return; // already in
        session.join(ROOM);
        rooms.broadcast(ROOM, AppProtocol.system(nameOf(session) + " joined"));
    }

    synchronized void leave(BridgeSession session) {
        if (session.attributes().remove(MEMBER) == null) return;
        session.leave(ROOM);
        rooms.broadcast(ROOM, AppProtocol.system(nameOf(session) + " left"));
    }

    synchronized void say(BridgeSession session, String name, String text) {
        if (!session.attributes().containsKey(MEMBER)) {
            throw new AppProtocol.Invalid("join room \"chat\" before you chat");
        }
        session.attributes().put(NAME, name);
        rooms.broadcast(ROOM, AppProtocol.chat(name, text, System.currentTimeMillis()));
    }

    /** The session closed: it has already left every room; tell the others. */
    void closed(BridgeSession session) {
        leave(session);
    }

    private static String nameOf(BridgeSession session) {
        Object name = session.attributes().get(NAME);
        return name == null ? "someone" : name.toString();
    }
}
