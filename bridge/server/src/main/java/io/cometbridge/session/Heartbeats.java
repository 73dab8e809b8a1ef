package io.cometbridge.session;

import io.cometbridge.util.FanOut;
import io.cometbridge.util.Scheduler;
import io.cometbridge.util.SerialExecutor;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * Every session's heartbeat in one queue that the bridge's timer sweeps, instead of a periodic
 * timer per session. A timer per session cost a timer-queue entry (~136 B and a locked heap insert)
 * at every connect, and one thread hand-off at every beat of every session; here a sweep hands the
 * sessions that fell due to their executors through a {@link FanOut}, {@value FanOut#CHUNK} to a
 * pool task.
 *
 * <p>Every session beats with the bridge's one period, and a beat is queued due one period after it
 * was queued: a new session's at its start, and a beat that ran again by the sweep that ran it. So
 * beats fall due in the order they were queued, and a sweep looks only at the head. A beat runs at
 * the first sweep after it is due ({@link #sweepPeriodNanos}: every 64th of the period), or at the
 * one after that when a session that started during a sweep got in line ahead of it; two beats of
 * a session are one period apart plus up to two sweeps. A stall longer than a period (a long GC
 * pause) costs a session the beats it missed, never a burst of them. A cancelled beat lets go of its
 * session at once, and leaves the queue at its next turn.
 * Lock-free: started and cancelled on session executors, swept on the timer thread.
 */
final class Heartbeats {
    private static final long MIN_SWEEP_PERIOD_NANOS = 1_000_000L;

    private final Scheduler clock;
    private final long periodNanos;
    private final Executor workers;
    private final Queue<Beat> beats = new ConcurrentLinkedQueue<>();

    Heartbeats(Scheduler clock, long periodNanos, Executor workers) {
        this.clock = clock;
        this.periodNanos = periodNanos;
        this.workers = workers;
    }

    /** How often {@link #sweep} must run: a 64th of the period, at least a millisecond. */
    long sweepPeriodNanos() {
        return Math.max(MIN_SWEEP_PERIOD_NANOS, periodNanos / 64);
    }

    /** Runs {@code task} on {@code session} every period, the first time one period from now, until cancelled. */
    Beat start(SerialExecutor session, Runnable task) {
        Beat b = new Beat(clock.nanoTime() + periodNanos, session, task);
        beats.add(b);
        return b;
    }

    /** Hands every beat that fell due to its session. */
    void sweep() {
        long now = clock.nanoTime();
        FanOut due = null;
        for (Beat b = beats.peek(); b != null && now - b.due >= 0; b = beats.peek()) {
            beats.poll();
            SerialExecutor session = b.session;
            Runnable task = b.task;
            if (session == null || task == null) continue; // cancelled: out of the queue for good
            if (due == null) due = new FanOut(workers);
            due.add(session, task);
            b.due = now + periodNanos;
            beats.add(b);
        }
        if (due != null) due.finish();
    }

    /** Beats in the queue, cancelled ones included until their turn (tests). */
    int queued() {
        return beats.size();
    }

    /** One session's heartbeat. */
    static final class Beat implements Scheduler.Timer {
        private long due; // touched only by the sweeping thread once queued
        private volatile SerialExecutor session;
        private volatile Runnable task;

        private Beat(long due, SerialExecutor session, Runnable task) {
            this.due = due;
            this.session = session;
            this.task = task;
        }

        /** No beat is handed to the session afterwards, except one a sweep already took. */
        @Override
        public void cancel() {
            session = null;
            task = null;
        }
    }
}
