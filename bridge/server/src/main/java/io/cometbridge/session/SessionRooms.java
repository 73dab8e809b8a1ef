package io.cometbridge.session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The rooms one session (a {@link Session}: the only kind of view) is in, kept in step with the bridge's {@link RoomRegistry}. Thread-safe. */
final class SessionRooms {
    private final SessionView session;
    private final RoomRegistry registry;
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    SessionRooms(SessionView session, RoomRegistry registry) {
        this.session = session;
        this.registry = registry;
    }

    /** Returns whether it was not in the room. */
    boolean join(String room) {
        if (!names.add(room)) return false;
        registry.add(room, (Session) session);
        return true;
    }

    /** Returns whether it was in the room. */
    boolean leave(String room) {
        if (!names.remove(room)) return false;
        registry.remove(room, (Session) session);
        return true;
    }

    Set<String> names() {
        return Set.copyOf(names);
    }

    /** The session ended: out of every room. */
    void leaveAll() {
        for (String room : names) registry.remove(room, (Session) session);
        names.clear();
    }
}
