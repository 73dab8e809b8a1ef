package io.cometbridge.session;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** The single-node store: a concurrent map. */
final class InMemorySessionStore implements SessionStore {
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

    @Override
    public void put(Session session) {
        sessions.put(session.id(), session);
    }

    @Override
    public Session get(String id) {
        return sessions.get(id);
    }

    @Override
    public void remove(Session session) {
        sessions.remove(session.id(), session);
    }

    @Override
    public int size() {
        return sessions.size();
    }

    @Override
    public Collection<Session> all() {
        return sessions.values();
    }
}
