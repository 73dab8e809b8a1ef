package io.cometbridge.session;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.Rooms;
import io.cometbridge.protocol.Message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rooms for broadcast: lock-free sets of sessions by name. Empty rooms are removed.
 *
 * <p>Room names are paths of segments ({@code chat/demo}), the Bayeux channel names without their
 * leading slash. A room named with a last segment {@code *} or {@code **} is a <em>wildcard room</em>
 * (a Bayeux wildcard subscription): {@code chat/*} also receives every broadcast to a room one
 * segment below {@code chat} ({@code chat/demo}, not {@code chat/a/b}), {@code chat/**} to any room
 * below it, {@code **} to every room. A session in several matching rooms gets one copy. While no
 * wildcard room has members a broadcast looks up one name, as before.
 *
 * <p>Every broadcast message is addressed to its room ({@link Message#topic()}), so transports that
 * address by name (Bayeux) know the channel; the bridge's own frames ignore it.
 */
public final class RoomRegistry implements Rooms {
    /**
     * From this many receivers on, a broadcast hands each session's work to the worker pool
     * instead of doing every session's encoding and socket write on the calling thread.
     */
    static final int OFFLOAD_FROM = 64;

    private final ConcurrentHashMap<String, Set<Session>> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger wildcardRooms = new AtomicInteger();

    void add(String room, Session session) {
        rooms.compute(room, (r, members) -> {
            if (members == null) {
                members = ConcurrentHashMap.newKeySet();
                if (isWildcard(r)) wildcardRooms.incrementAndGet();
            }
            members.add(session);
            return members;
        });
    }

    void remove(String room, Session session) {
        rooms.computeIfPresent(room, (r, members) -> {
            members.remove(session);
            if (!members.isEmpty()) return members;
            if (isWildcard(r)) wildcardRooms.decrementAndGet();
            return null;
        });
    }

    /** Whether {@code room} names a wildcard room: its last segment is {@code *} or {@code **}. */
    public static boolean isWildcard(String room) {
        return room.equals("*") || room.equals("**") || room.endsWith("/*") || room.endsWith("/**");
    }

    @Override
    public int broadcast(String room, Message message, BridgeSession except) {
        Message addressed = message.withTopic(room);
        addressed.json(); // serialize once here, not once per receiver
        Set<Session> members = rooms.get(room);
        if (wildcardRooms.get() == 0 || isWildcard(room)) {
            return members == null ? 0 : send(members, addressed, except);
        }
        List<Set<Session>> groups = new ArrayList<>(4);
        if (members != null) groups.add(members);
        for (String pattern : wildcardsMatching(room)) {
            Set<Session> watchers = rooms.get(pattern);
            if (watchers != null) groups.add(watchers);
        }
        if (groups.size() <= 1) return groups.isEmpty() ? 0 : send(groups.get(0), addressed, except);
        Set<Session> once = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Set<Session> g : groups) once.addAll(g);
        return send(once, addressed, except);
    }

    /** The wildcard room names that match {@code room}: for {@code a/b}, {@code a/*}, {@code a/**} and {@code **}. */
    static List<String> wildcardsMatching(String room) {
        List<String> names = new ArrayList<>(4);
        int last = room.lastIndexOf('/');
        names.add(last < 0 ? "*" : room.substring(0, last) + "/*");
        for (int end = last; end > 0; end = room.lastIndexOf('/', end - 1)) names.add(room.substring(0, end) + "/**");
        names.add("**");
        return names;
    }

    private static int send(Set<Session> receivers, Message message, BridgeSession except) {
        boolean offload = receivers.size() >= OFFLOAD_FROM;
        int n = 0;
        for (Session s : receivers) {
            if (s != except) {
                s.sendShared(message, offload);
                n++;
            }
        }
        return n;
    }

    /** Members of exactly this room (wildcard rooms that match it are not counted). */
    @Override
    public int size(String room) {
        Set<Session> members = rooms.get(room);
        return members == null ? 0 : members.size();
    }
}
