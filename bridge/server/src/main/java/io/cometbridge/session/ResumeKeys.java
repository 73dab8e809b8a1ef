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

    /** Every key the client may hold, oldest first (what a durable log stores). */
    java.util.List<String> all() {
        return java.util.List.copyOf(keys);
    }

    /** Continues with the keys another node issued (docs/SCALE_OUT.md). */
    void restore(java.util.List<String> issued) {
        keys.clear();
        keys.addAll(issued);
    }

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

    /**
     * Why a request presenting {@code presented} may not act on the open session's transport, or
     * null when it may: {@code unknown_session} for a key never given out, {@code transport_replaced}
     * for a key of an earlier transport (or a transport of another {@code rightType}).
     */
    io.cometbridge.protocol.BridgeException refusal(boolean rightType, String presented) {
        if (!holds(presented)) {
            return new io.cometbridge.protocol.BridgeException(io.cometbridge.protocol.ErrorCode.UNKNOWN_SESSION, "unknown or expired session");
        }
        if (rightType && SessionIds.sameKey(latest(), presented)) return null;
        return new io.cometbridge.protocol.BridgeException(io.cometbridge.protocol.ErrorCode.TRANSPORT_REPLACED,
                "the session moved to another transport");
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
