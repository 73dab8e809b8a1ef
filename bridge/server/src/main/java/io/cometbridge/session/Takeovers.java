package io.cometbridge.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Continues sessions that another node carried (docs/SCALE_OUT.md): an attach for a session this
 * node does not hold reads it from the {@link SessionLog}, becoming its owner. Attaches that
 * arrive while one is read wait for the same result, so a session is taken over once per node.
 */
final class Takeovers {
    /** A stored session and its id. */
    record Taken(String sid, SessionLog.Restored state) {
    }

    private final SessionLog log;
    private final SessionStore store;
    private final Function<Taken, Session> create;
    private final ConcurrentHashMap<String, CompletableFuture<Session>> reading = new ConcurrentHashMap<>();

    Takeovers(SessionLog log, SessionStore store, Function<Taken, Session> create) {
        this.log = log;
        this.store = store;
        this.create = create;
    }

    /** Hands {@code then} the session taken over, or null when the log does not have it (or not with that key). */
    void takeOver(String sid, String presentedKey, Consumer<Session> then) {
        CompletableFuture<Session> mine = new CompletableFuture<>();
        CompletableFuture<Session> pending = reading.putIfAbsent(sid, mine);
        if (pending != null) {
            pending.whenComplete((s, e) -> then.accept(s));
            return;
        }
        mine.whenComplete((s, e) -> then.accept(s));
        log.takeOver(sid, presentedKey).whenComplete((restored, error) -> {
            Session session = null;
            if (error == null && restored != null) {
                Session held = store.get(sid); // an attach that was quicker on this node
                session = held != null ? held : create.apply(new Taken(sid, restored));
                if (held == null) {
                    store.put(session);
                    session.adopted(restored.rooms());
                }
            }
            reading.remove(sid, mine);
            mine.complete(session);
        });
    }
}
