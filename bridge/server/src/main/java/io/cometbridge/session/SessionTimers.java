package io.cometbridge.session;

import io.cometbridge.util.Scheduler;
import io.cometbridge.util.SerialExecutor;

import java.time.Duration;


/**
 * A session's timers: the heartbeat (one beat in the bridge's {@link Heartbeats}), the grace
 * period, the delayed acknowledgement and the bound on CLOSING. Each hands its task to the
 * session's executor, to run on the worker pool like any other session work: never on the timer
 * thread itself, which every session shares. Touched only on that executor.
 */
final class SessionTimers {
    private final Scheduler scheduler;
    private final Heartbeats heartbeats;
    private final SerialExecutor session;
    private Scheduler.Timer heartbeat;
    private Scheduler.Timer grace;
    private Scheduler.Timer ack;
    private Scheduler.Timer closing;
    private boolean ackCheckQueued;

    SessionTimers(Scheduler scheduler, Heartbeats heartbeats, SerialExecutor session) {
        this.scheduler = scheduler;
        this.heartbeats = heartbeats;
        this.session = session;
    }

    /** Runs {@code task} every heartbeat interval, the first time one interval from now. */
    void startHeartbeat(Runnable task) {
        heartbeat = heartbeats.start(session, task);
    }

    void startGrace(Duration delay, Runnable task) {
        cancel(grace);
        grace = later(delay.toNanos(), task);
    }

    void cancelGrace() {
        cancel(grace);
        grace = null;
    }

    void startClosing(Duration bound, Runnable task) {
        closing = later(bound.toNanos(), task);
    }

    /** An ack check is queued on the executor or its timer is armed: no second one is needed. */
    boolean ackCheckPending() {
        return ackCheckQueued || ack != null;
    }

    void ackCheckQueued() {
        ackCheckQueued = true;
    }

    /** The check runs now (queued or timed); it may arm the timer again. */
    void ackCheckDone() {
        ackCheckQueued = false;
        ack = null;
    }

    void armAck(long delayNanos, Runnable task) {
        if (ack == null) ack = later(Math.max(0, delayNanos), task);
    }

    /** The session is ending: no timer fires for it any more (CLOSING's own bound is started afterwards). */
    void cancelAll() {
        cancel(heartbeat);
        cancel(grace);
        cancel(ack);
        cancel(closing);
        heartbeat = grace = ack = closing = null;
    }

    /** Runs {@code task} on the session's executor after {@code nanos}: the timer thread only hands it to the pool. */
    Scheduler.Timer later(long nanos, Runnable task) {
        return scheduler.schedule(nanos, () -> session.executeLater(task));
    }

    private static void cancel(Scheduler.Timer t) {
        if (t != null) t.cancel();
    }
}
