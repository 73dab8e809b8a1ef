package io.cometbridge.session;

import java.util.Collection;

/**
 * Where live sessions are found by id. In memory for one node; a later store shares them across
 * nodes (Redis). Implementations are thread-safe.
 */
public interface SessionStore {
    void put(Session session);

    Session get(String id);

    void remove(Session session);

    int size();

    Collection<Session> all();
}
