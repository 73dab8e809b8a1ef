package io.cometbridge.util;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Time for the session core: a monotonic clock and timers. The real one is a single timer thread
 * over {@link System#nanoTime()}; tests drive a manual one, so lifecycles (heartbeats, grace,
 * delayed acks) are tested without sleeping.
 */
public interface Scheduler {

    /** A scheduled task that can be called off. */
    interface Timer {
        void cancel();
    }

    long nanoTime();

    /** Runs {@code task} once after {@code delayNanos}. The task should hand its work to its session. */
    Timer schedule(long delayNanos, Runnable task);

    /** Runs {@code task} every {@code periodNanos}, the first time after one period. */
    Timer every(long periodNanos, Runnable task);

    /** Stops the timers (no task runs afterwards). */
    void shutdown();

    /** The real clock and one daemon timer thread named {@code threadName}. */
    static Scheduler system(String threadName) {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true); // cancelled grace timers must not pile up
        return new Scheduler() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Timer schedule(long delayNanos, Runnable task) {
                return cancellable(timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS));
            }

            @Override
            public Timer every(long periodNanos, Runnable task) {
                return cancellable(timers.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS));
            }

            @Override
            public void shutdown() {
                timers.shutdownNow();
            }
        };
    }

    private static Timer cancellable(ScheduledFuture<?> f) {
        return () -> f.cancel(false);
    }
}
