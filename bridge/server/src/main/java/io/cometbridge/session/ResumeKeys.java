package io.cometbridge.session;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A session's resume keys (docs/PROTOCOL.md section 2.1): one is issued with every open frame, and
 * an attach must present one. Accepted is the oldest key the client may still hold (the last one
 * it presented) and every key issued after it, since the open frames that carried those may have
 * been lost or overtaken in flight. Presenting a key retires every key older than it, so a leaked
 * key stops working once the client moves on. Keys are kept in issue order, at most
 * {@value #MAX_OUTSTANDING}. Confined to the session's executor.
 */
final class ResumeKeys {
    static final int MAX_OUTSTANDING = 8;

    private final ArrayDeque<String> keys = new ArrayDeque<>(2); // oldest first

    /** A fresh key for an open frame. */
    String issue() {
        String key = SessionIds.nextKey();
        keys.addLast(key);
        if (keys.size() > MAX_OUTSTANDING) keys.removeFirst();
        return key;
    }

    /** The key of the latest open frame: what the transport carrying the session now was given. */
    String latest() {
        return keys.peekLast();
    }

    /** Whether {@code presented} is one of the keys the client may hold (nothing is retired). */
    boolean holds(String presented) {
        for (String k : keys) if (SessionIds.sameKey(k, presented)) return true;
        return false;
    }

    /** Whether {@code presented} may resume the session; if so, the keys before it are retired. */
    boolean accept(String presented) {
        if (presented == null) return false;
        int older = 0;
        for (Iterator<String> it = keys.iterator(); it.hasNext(); older++) {
            if (SessionIds.sameKey(it.next(), presented)) {
                for (int i = 0; i < older; i++) keys.removeFirst();
                return true;
            }
        }
        return false;
    }
}
