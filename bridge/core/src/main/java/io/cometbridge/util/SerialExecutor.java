package io.cometbridge.util;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, without a lock: the actor that serializes all
 * work on one session.
 *
 * <p>The first submitter that finds the executor idle runs its task on its own thread, without
 * queueing it, and then whatever was queued meanwhile (no hand-off latency and no queue node in the
 * common uncontended case); after {@link #BUDGET} tasks it hands the rest to the
 * pool so one busy session cannot hog a caller's thread. A thread that is already running some
 * serial executor's queue (one session sending to another, a broadcast from a handler) never runs
 * a second one inline: that would nest one session's callbacks inside another's, half-way through
 * the first one's work, and make their order depend on the stack.
 */
public final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    private static final int BUDGET = 128;
    /** The serial executor whose queue the current thread is running, if any. */
    private static final ThreadLocal<SerialExecutor> RUNNING = new ThreadLocal<>();

    /** One run of the queue in this many is measured for {@link #SerialExecutor(Executor, LongConsumer) cpu}. */
    public static final int CPU_SAMPLE_EVERY = 16;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Executor pool;
    private final LongConsumer cpu; // null: not measured
    private int runs; // touched only by the thread that owns the run loop (handed over through `pending`)
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /**
     * Tasks submitted and not yet run, counted before they are offered: so a count of zero means
     * nothing is queued or on its way, and the thread that moves it from 0 to 1 owns the run loop
     * and may run its task at once. (Counting after offering let the count reach zero with a task
     * still queued, so a submitter's next task could run inline before its previous one.)
     */
    private final AtomicInteger pending = new AtomicInteger();

    public SerialExecutor(Executor pool) {
        this(pool, null);
    }

    /**
     * An executor that also estimates the CPU time its tasks take: one run of the queue in
     * {@link #CPU_SAMPLE_EVERY} is measured with the thread's CPU clock, and {@code cpu} hears it
     * times that factor (sampled, so most runs pay nothing; an estimate, not an account).
     */
    public SerialExecutor(Executor pool, LongConsumer cpu) {
        this.pool = pool;
        this.cpu = cpu != null && THREADS.isCurrentThreadCpuTimeSupported() ? cpu : null;
    }

    @Override
    public void execute(Runnable task) {
        if (pending.getAndIncrement() != 0) { // busy: the owner reaches it in turn
            tasks.offer(task);
        } else if (RUNNING.get() != null) { // ours, but this thread runs another queue: never nest it
            pool.execute(() -> runLoop(task));
        } else { // ours: run it here without queueing it
            runLoop(task);
        }
    }

    /**
     * Whether the calling thread is running one of this executor's tasks: work it would submit
     * may then be done at once, in the task's own turn (still one at a time, still in order).
     */
    public boolean inTurn() {
        return RUNNING.get() == this;
    }

    /** Tasks offered and not yet run (a racy read: for bounding what callers may queue). */
    public int backlog() {
        return pending.get();
    }

    /** Submits to the pool instead of running inline (for callers that must not run session work). */
    public void executeLater(Runnable task) {
        if (pending.getAndIncrement() != 0) {
            tasks.offer(task);
        } else {
            pool.execute(() -> runLoop(task));
        }
    }

    /**
     * Queues {@code task} without running it. True when the executor was idle: the caller must then
     * start it with {@link #runQueued()} on some thread ({@link FanOut} starts many on one pool task).
     */
    boolean queue(Runnable task) {
        boolean idle = pending.getAndIncrement() == 0;
        tasks.offer(task);
        return idle;
    }

    /** Runs what {@link #queue} left waiting; only by the caller that {@code queue} answered true. */
    void runQueued() {
        runQueue();
    }

    private void runQueue() {
        runLoop(null);
    }

    /**
     * Runs {@code first} (a task the owner took without queueing it; null: none) and then the
     * queue, until it is empty or the budget is spent. Only the thread that moved {@code pending}
     * from 0 owns this loop.
     */
    private void runLoop(Runnable first) {
        long started = cpu != null && ++runs % CPU_SAMPLE_EVERY == 0 ? THREADS.getCurrentThreadCpuTime() : -1;
        RUNNING.set(this);
        try {
            int budget = BUDGET;
            Runnable task = first != null ? first : next();
            while (true) {
                try {
                    task.run();
                } catch (Throwable t) {
                    LOG.warn("session task failed", t);
                }
                if (pending.decrementAndGet() == 0) return;
                if (--budget == 0) {
                    pool.execute(this::runQueue);
                    return;
                }
                task = next();
            }
        } finally {
            RUNNING.set(null); // not remove(): the thread keeps its entry, and the next get() need not create one
            if (started >= 0) measured(started);
        }
    }

    /**
     * The oldest queued task. The count says one is there; its submitter may still be between
     * counting it and offering it (a few instructions), so wait for it rather than end the loop.
     */
    private Runnable next() {
        Runnable task;
        for (int spins = 0; (task = tasks.poll()) == null; spins++) {
            if (spins < 64) Thread.onSpinWait(); else Thread.yield(); // the submitter may be descheduled
        }
        return task;
    }

    private void measured(long started) {
        long spent = THREADS.getCurrentThreadCpuTime() - started;
        if (spent <= 0) return;
        try {
            cpu.accept(spent * CPU_SAMPLE_EVERY);
        } catch (RuntimeException e) {
            LOG.warn("cpu counter failed", e);
        }
    }
}
