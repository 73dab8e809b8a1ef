package io.cometbridge.session;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.Rooms;
import io.cometbridge.protocol.Message;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Rooms for broadcast: lock-free sets of sessions by name. Empty rooms are removed. */
public final class RoomRegistry implements Rooms {
    /**
     * From this many receivers on, a broadcast hands each session's work to the worker pool
     * instead of doing every session's encoding and socket write on the calling thread.
     */
    static final int OFFLOAD_FROM = 64;

    private final ConcurrentHashMap<String, Set<Session>> rooms = new ConcurrentHashMap<>();

    void add(String room, Session session) {
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(session);
    }

    void remove(String room, Session session) {
        rooms.computeIfPresent(room, (r, members) -> {
            members.remove(session);
            return members.isEmpty() ? null : members;
        });
    }

    @Override
    public int broadcast(String room, Message message, BridgeSession except) {
        Set<Session> members = rooms.get(room);
        if (members == null) return 0;
        message.json(); // serialize once here, not once per receiver
        boolean offload = members.size() >= OFFLOAD_FROM;
        int n = 0;
        for (Session s : members) {
            if (s != except) {
                s.sendShared(message, offload);
                n++;
            }
        }
        return n;
    }

    @Override
    public int size(String room) {
        Set<Session> members = rooms.get(room);
        return members == null ? 0 : members.size();
    }
}
