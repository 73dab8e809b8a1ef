package io.cometbridge.client;

import java.util.concurrent.TimeUnit;

/**
 * WebSockets that open but are useless (the browser client's rule, {@code src/ws-demotion.js}): a
 * TLS-inspecting proxy or an antivirus may let the handshake through and then cut or garble the
 * socket soon after, again and again, each time costing the session a re-attach. A WebSocket that
 * carried the session for less than {@link #USEFUL_MILLIS} and was then lost (not by a learned idle
 * cut) is useless; after {@link #MAX_USELESS} in a row WebSocket is demoted for a while: the session
 * goes on over polling and probes wait for the demotion to end. Once a demotion has ended, one more
 * useless socket demotes again. A WebSocket that lasts {@link #USEFUL_MILLIS} clears the count.
 * Monotonic clock (nanoseconds); confined to the client's executor.
 */
final class WebSocketDemotion {
    /** A WebSocket that carried the session at least this long was useful. */
    static final long USEFUL_MILLIS = 10_000;
    /** Useless WebSockets in a row before the session stays on polling. */
    static final int MAX_USELESS = 3;

    private final long demoteForNanos;
    private int useless;
    private long untilNanos;
    private boolean demotedBefore;
    private long attachedAtNanos = -1;

    WebSocketDemotion(long demoteForMillis) {
        this.demoteForNanos = TimeUnit.MILLISECONDS.toNanos(demoteForMillis);
    }

    /** A WebSocket now carries the session. */
    void attached(long nowNanos) {
        attachedAtNanos = nowNanos;
    }

    /**
     * The WebSocket carrying the session was lost; {@code excused}: by an idle cut the client
     * learned from (not the socket's fault). Returns whether WebSocket is demoted now.
     */
    boolean lost(long nowNanos, boolean excused) {
        long lived = attachedAtNanos < 0 ? 0 : nowNanos - attachedAtNanos;
        attachedAtNanos = -1;
        if (lived >= TimeUnit.MILLISECONDS.toNanos(USEFUL_MILLIS)) {
            useless = 0;
            return false;
        }
        if (excused) return false;
        useless++;
        if (useless < (demotedBefore ? 1 : MAX_USELESS)) return false;
        untilNanos = nowNanos + demoteForNanos;
        demotedBefore = true;
        useless = 0;
        return true;
    }

    /** Milliseconds until WebSocket may be tried again; 0 when it may now. */
    long remainingMillis(long nowNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(untilNanos - nowNanos));
    }
}
