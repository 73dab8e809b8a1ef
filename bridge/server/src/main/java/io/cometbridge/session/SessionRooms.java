package io.cometbridge.session;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The rooms one session (a {@link Session}: the only kind of view) is in, kept in step with the bridge's {@link RoomRegistry}. Thread-safe. */
final class SessionRooms {
    private final SessionView session;
    private final RoomRegistry registry;
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> joinedAt = position -> { }; // a durable session records where the room log stood
    private volatile boolean rejoining; // taken over: its rooms are joined once it has what it missed (rejoin)

    SessionRooms(SessionView session, RoomRegistry registry) {
        this.session = session;
        this.registry = registry;
    }

    /** Hears, after each join, the position of the relay's room log at that moment (null: no relay). */
    void onJoin(Consumer<String> joinedAt) {
        this.joinedAt = joinedAt;
    }

    /** Returns whether it was not in the room. */
    boolean join(String room) {
        if (!names.add(room)) return false;
        if (!rejoining) { // else the rejoin joins it with the others
            registry.add(room, (Session) session);
            joinedAt.accept(registry.position());
        }
        return true;
    }

    /**
     * A session taken over from another node rejoins the rooms it was in: it is handed the room
     * broadcasts after {@code roomsAt} (the position its last commit stored) that it missed while
     * it moved, then joins them, in step with this node's live broadcasts (RoomRegistry.rejoin).
     */
    void rejoin(List<String> stored, String roomsAt) {
        if (stored.isEmpty()) return;
        rejoining = true;
        names.addAll(stored);
        Set<String> taken = Set.copyOf(stored);
        registry.rejoin((Session) session, taken, roomsAt, () -> {
            rejoining = false;
            Set<String> joined = Set.copyOf(names);
            for (String room : joined) registry.add(room, (Session) session);
            for (String room : joined) { // left meanwhile, or the session ended
                if (!names.contains(room)) registry.remove(room, (Session) session);
            }
            joinedAt.accept(registry.position());
        });
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
