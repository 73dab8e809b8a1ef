package io.cometbridge.util;

import java.util.concurrent.Executor;

/**
 * One task for many serial executors at once (a broadcast to a large room). Each executor gets the
 * task in its queue at once, in the caller's order, so nothing the caller does next overtakes it;
 * the executors that were idle are then started on the pool {@value #CHUNK} to a pool task. One
 * hand-off per session and message cost a queue lock and a thread wake-up each: at 1,000 sessions
 * and 100 broadcasts/s that was 100,000 hand-offs per second for two worker threads.
 *
 * <p>For one caller and one fan-out: call {@link #add} for every executor, then {@link #finish}.
 */
public final class FanOut {
    /** Executors started by one pool task. */
    public static final int CHUNK = 64;

    private final Executor pool;
    private SerialExecutor[] idle = new SerialExecutor[CHUNK];
    private int count;

    public FanOut(Executor pool) {
        this.pool = pool;
    }

    /** Queues {@code task} on {@code executor}; an idle executor waits for the next chunk to start. */
    public void add(SerialExecutor executor, Runnable task) {
        if (!executor.queue(task)) return; // busy or already scheduled: it reaches the task in turn
        idle[count++] = executor;
        if (count == CHUNK) start();
    }

    /** Starts the executors still waiting. */
    public void finish() {
        if (count > 0) start();
    }

    private void start() {
        SerialExecutor[] chunk = idle;
        int n = count;
        idle = new SerialExecutor[CHUNK];
        count = 0;
        pool.execute(() -> {
            for (int i = 0; i < n; i++) chunk[i].runQueued();
        });
    }
}
