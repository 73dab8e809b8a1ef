package io.cometbridge.session;

import io.cometbridge.util.Scheduler;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The attach deadline of every connection that has not attached yet (WebSocket: {@code attach_timeout}),
 * in one queue that the bridge's periodic task sweeps, instead of a timer per connection: a connect
 * storm scheduled and cancelled a timer per connect on the bridge's one timer queue, whose lock all
 * the I/O threads then queued on.
 *
 * <p>Every connection gets the same timeout, so deadlines fall due in the order they were added: a
 * sweep looks only at the head. A connection that attached or closed lets go of its entry's action
 * ({@link Deadline#settled}), so what waits in the queue until its deadline is a few bytes. A deadline
 * is acted on at the first sweep after it, at most one sweep period late ({@link #sweepPeriodNanos}).
 * Lock-free: added to from I/O threads, swept on the timer thread.
 */
public final class AttachDeadlines {
    private static final long MAX_SWEEP_PERIOD_NANOS = 1_000_000_000L;

    private final Scheduler clock;
    private final long timeoutNanos;
    private final Queue<Deadline> pending = new ConcurrentLinkedQueue<>();

    AttachDeadlines(Scheduler clock, long timeoutNanos) {
        this.clock = clock;
        this.timeoutNanos = timeoutNanos;
    }

    /** How often {@link #sweep} must run: a tenth of the timeout, at most a second. */
    long sweepPeriodNanos() {
        return Math.max(1, Math.min(MAX_SWEEP_PERIOD_NANOS, timeoutNanos / 10));
    }

    /** Runs {@code onTimeout} (on the timer thread) once the timeout has passed, unless settled before. */
    public Deadline start(Runnable onTimeout) {
        Deadline d = new Deadline(clock.nanoTime() + timeoutNanos, onTimeout);
        pending.add(d);
        return d;
    }

    /** Acts on every deadline that has passed. */
    void sweep() {
        long now = clock.nanoTime();
        for (Deadline d = pending.peek(); d != null && now - d.due >= 0; d = pending.peek()) {
            pending.poll();
            Runnable action = d.onTimeout;
            d.onTimeout = null;
            if (action != null) action.run();
        }
    }

    /** Deadlines still queued, settled or not (tests). */
    int queued() {
        return pending.size();
    }

    /** One connection's deadline. */
    public static final class Deadline {
        private final long due;
        private volatile Runnable onTimeout;

        private Deadline(long due, Runnable onTimeout) {
            this.due = due;
            this.onTimeout = onTimeout;
        }

        /** The connection attached or closed: nothing happens at the deadline. */
        public void settled() {
            onTimeout = null;
        }
    }
}
