package io.cometbridge.samples.demo;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.Rooms;

/**
 * Room "chat": every message goes to everyone in the room, the sender included, so every page
 * shows the same history. Confined to the demo's one thread ({@link DemoApp}): broadcasts are made
 * one after another, whole, and so reach every member in the same order.
 */
final class ChatRoom {
    static final String ROOM = "chat";
    static final int MAX_NAME = 40;
    static final int MAX_TEXT = 2000;
    private static final String NAME = "demo.chat.name";     // session attribute: the name last used
    private static final String MEMBER = "demo.chat.member"; // session attribute: in the room

    private final Rooms rooms;

    ChatRoom(Rooms rooms) {
        this.rooms = rooms;
    }

    void join(BridgeSession session, String name) {
        if (name != null) session.attributes().put(NAME, name);
        if (!session.isOpen() || session.attributes().putIfAbsent(MEMBER, Boolean.TRUE) != null) return;
        session.join(ROOM);
        rooms.broadcast(ROOM, AppProtocol.system(nameOf(session) + " joined"));
    }

    /** Also for a closed session: it has already left every room, the others are told. */
    void leave(BridgeSession session) {
        if (session.attributes().remove(MEMBER) == null) return;
        session.leave(ROOM);
        rooms.broadcast(ROOM, AppProtocol.system(nameOf(session) + " left"));
    }

    void say(BridgeSession session, String name, String text) {
        if (!session.attributes().containsKey(MEMBER)) {
            throw new AppProtocol.Invalid("join room \"chat\" before you chat");
        }
        session.attributes().put(NAME, name);
        rooms.broadcast(ROOM, AppProtocol.chat(name, text, System.currentTimeMillis()));
    }

    private static String nameOf(BridgeSession session) {
        Object name = session.attributes().get(NAME);
        return name == null ? "someone" : name.toString();
    }
}
