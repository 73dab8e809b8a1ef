package io.cometbridge.util;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time, in submission order, without a lock: the actor that serializes all
 * work on one session.
 *
 * <p>The first submitter that finds the executor idle runs the queue on its own thread (no hand-off
 * latency in the common uncontended case); after {@link #BUDGET} tasks it hands the rest to the
 * pool so one busy session cannot hog a caller's thread.
 */
public final class SerialExecutor implements Executor {
    private static final Logger LOG = Logger.getLogger(SerialExecutor.class.getName());
    private static final int BUDGET = 128;

    private final Executor pool;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Tasks offered and not yet run. The thread that moves it from 0 to 1 owns the run loop. */
    private final AtomicInteger pending = new AtomicInteger();

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.offer(task); // offer before counting: a positive count always means poll() succeeds
        if (pending.getAndIncrement() == 0) runLoop();
    }

    /** Submits to the pool instead of running inline (for callers that must not run session work). */
    public void executeLater(Runnable task) {
        tasks.offer(task);
        if (pending.getAndIncrement() == 0) pool.execute(this::runLoop);
    }

    private void runLoop() {
        int budget = BUDGET;
        while (true) {
            Runnable task = tasks.poll();
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "session task failed", t);
            }
            if (pending.decrementAndGet() == 0) return;
            if (--budget == 0) {
                pool.execute(this::runLoop);
                return;
            }
        }
    }
}
