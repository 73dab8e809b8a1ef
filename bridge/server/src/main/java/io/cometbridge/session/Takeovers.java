package io.cometbridge.session;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
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

    /**
     * Hands {@code then} the session taken over, or why not: {@code unknown_session} when the log
     * does not have it (or not with that key), {@code principal_changed} when it belongs to another
     * principal than {@code principal} (null: no authenticator).
     */
    void takeOver(String sid, String presentedKey, String principal, BiConsumer<Session, BridgeException> then) {
        CompletableFuture<Session> mine = new CompletableFuture<>();
        CompletableFuture<Session> pending = reading.putIfAbsent(sid, mine);
        if (pending != null) {
            pending.whenComplete((s, e) -> then.accept(s, refusal(s, e)));
            return;
        }
        mine.whenComplete((s, e) -> then.accept(s, refusal(s, e)));
        log.takeOver(sid, presentedKey, principal).whenComplete((restored, error) -> {
            Session session = null;
            Throwable failure = error;
            if (error == null && restored != null) {
                Session held = store.get(sid); // an attach that was quicker on this node
                try {
                    session = held != null ? held : create.apply(new Taken(sid, restored));
                } catch (BridgeException cannotRestore) {
                    failure = cannotRestore;
                }
                if (session != null && held == null) {
                    store.put(session);
                    session.adopted(restored);
                }
            }
            reading.remove(sid, mine);
            if (failure != null && unwrap(failure) instanceof BridgeException refused) mine.completeExceptionally(refused);
            else mine.complete(session);
        });
    }

    private static BridgeException refusal(Session taken, Throwable error) {
        if (error != null && unwrap(error) instanceof BridgeException refused) return refused;
        return taken != null ? null : new BridgeException(ErrorCode.UNKNOWN_SESSION, "unknown or expired session");
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
