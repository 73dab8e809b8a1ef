package io.cometbridge.session;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.Rooms;
import io.cometbridge.protocol.Message;
import io.cometbridge.util.FanOut;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
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
     * From this many receivers on, a broadcast hands the sessions' work to the worker pool, a
     * {@link FanOut#CHUNK} of sessions per pool task, instead of doing every session's encoding and
     * socket write on the calling thread.
     */
    static final int OFFLOAD_FROM = 64;

    /**
     * Carries broadcasts to every node of a cluster (docs/SCALE_OUT.md): each one comes back to
     * every node, this one included, through {@link #deliver}, in one order for all, with its
     * position in that order (a {@code millis-sequence} id). Deliveries and catch-ups run on one
     * thread, in position order.
     */
    public interface Relay {
        void publish(String room, Message message, String exceptSessionId);

        /** The position of the last broadcast handed to {@link #deliver} (set once it was handed out). */
        String position();

        /**
         * On the delivering thread, between two deliveries: hands {@code catchUp} the broadcasts
         * after position {@code after} up to {@link #position()}, in order, then calls its {@code done}.
         */
        void catchUp(String after, CatchUp catchUp);
    }

    /** What {@link Relay#catchUp} hands out: the broadcasts a session missed, then the moment it is in step. */
    public interface CatchUp {
        void take(String position, String room, Message message, String exceptSessionId);

        void done();
    }

    private final Executor workers; // runs a large room's deliveries (OFFLOAD_FROM)
    private final ConcurrentHashMap<String, Set<Session>> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger wildcardRooms = new AtomicInteger();
    private volatile Relay relay; // null: one node, broadcasts stay here

    RoomRegistry(Executor workers) {
        this.workers = workers;
    }

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

    /** Sends broadcasts through {@code relay} to every node from now on. */
    public void relayThrough(Relay relay) {
        this.relay = relay;
    }

    /**
     * With a relay: publishes to every node and returns this node's members of the room (the
     * others' are not counted). Without: sends to the members here, as on one node.
     */
    @Override
    public int broadcast(String room, Message message, BridgeSession except) {
        Relay r = relay;
        if (r == null) return deliver(room, message, except == null ? null : except.id());
        r.publish(room, message, except == null ? null : except.id());
        return size(room);
    }

    /** A broadcast to the members of {@code room} on this node (one node: no position). */
    public int deliver(String room, Message message, String exceptSessionId) {
        return deliver(room, message, exceptSessionId, null);
    }

    /** A broadcast relayed from any node, or this one's, at {@code position} in the relay's order. */
    public int deliver(String room, Message message, String exceptSessionId, String position) {
        Message addressed = message.withTopic(room);
        addressed.json(); // serialize once here, not once per receiver
        BroadcastPosition at = BroadcastPosition.parse(position); // and parse the position once
        Set<Session> members = rooms.get(room);
        if (wildcardRooms.get() == 0 || isWildcard(room)) {
            return members == null ? 0 : send(members, addressed, exceptSessionId, at);
        }
        List<Set<Session>> groups = new ArrayList<>(4);
        if (members != null) groups.add(members);
        for (String pattern : wildcardsMatching(room)) {
            Set<Session> watchers = rooms.get(pattern);
            if (watchers != null) groups.add(watchers);
        }
        if (groups.size() <= 1) return groups.isEmpty() ? 0 : send(groups.get(0), addressed, exceptSessionId, at);
        Set<Session> once = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Set<Session> g : groups) once.addAll(g);
        return send(once, addressed, exceptSessionId, at);
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

    /** Where the relay's room log stands (null: no relay). */
    String position() {
        Relay r = relay;
        return r == null ? null : r.position();
    }

    /**
     * A session taken over, in {@code rooms} on its former node up to position {@code after}: hands
     * it the broadcasts to those rooms it missed since, then runs {@code join}, both between two
     * live deliveries, so it gets every broadcast once, in order. No relay or no position: joins now.
     */
    void rejoin(Session session, Set<String> rooms, String after, Runnable join) {
        Relay r = relay;
        if (r == null || after == null) {
            join.run();
            return;
        }
        r.catchUp(after, new CatchUp() {
            @Override
            public void take(String position, String room, Message message, String except) {
                if (!session.id().equals(except) && reaches(rooms, room)) session.sendShared(message.withTopic(room), null, BroadcastPosition.parse(position));
            }

            @Override
            public void done() {
                join.run();
            }
        });
    }

    /** Whether a broadcast to {@code room} reaches a member of {@code rooms} (wildcard rooms included). */
    static boolean reaches(Set<String> rooms, String room) {
        if (rooms.contains(room)) return true;
        if (isWildcard(room)) return false;
        for (String pattern : wildcardsMatching(room)) if (rooms.contains(pattern)) return true;
        return false;
    }

    private int send(Set<Session> receivers, Message message, String except, BroadcastPosition position) {
        FanOut fanOut = receivers.size() >= OFFLOAD_FROM ? new FanOut(workers) : null;
        int n = 0;
        for (Session s : receivers) {
            if (!s.id().equals(except)) {
                s.sendShared(message, fanOut, position);
                n++;
            }
        }
        if (fanOut != null) fanOut.finish();
        return n;
    }

    /** Members of exactly this room (wildcard rooms that match it are not counted). */
    @Override
    public int size(String room) {
        Set<Session> members = rooms.get(room);
        return members == null ? 0 : members.size();
    }
}
