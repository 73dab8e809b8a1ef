package io.cometbridge.util;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One task for many serial executors at once (a broadcast to a large room). Each executor gets the
 * task in its queue at once, in the caller's order, so nothing the caller does next overtakes it;
 * the executors that were idle are then started on the pool {@value #CHUNK} to a pool task. One
 * hand-off per session and message cost a queue lock and a thread wake-up each: at 1,000 sessions
 * and 100 broadcasts/s that was 100,000 hand-offs per second for two worker threads.
 *
 * <p>Backpressure: when an executor still holds an earlier fan-out's task (the workers are behind),
 * the caller runs the chunks that wait for the pool itself before it returns. A broadcaster faster
 * than the machine can deliver is so slowed to the delivery rate, instead of filling every
 * session's queue without bound (the replay buffer's bound applies only once a session's task
 * runs). A caller that is itself running a session's work (a broadcast from a handler) never runs
 * other sessions inline.
 *
 * <p>For one caller and one fan-out: call {@link #add} for every executor, then {@link #finish}.
 */
public final class FanOut {
    /** Executors started by one pool task. */
    public static final int CHUNK = 64;

    /** The pool fan-outs hand their chunks to, and the chunks that wait for it. */
    public static final class Workers {
        private final Executor pool;
        private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicInteger waitingCount = new AtomicInteger();

        public Workers(Executor pool) {
            this.pool = pool;
        }

        private void submit(Runnable chunk) {
            waiting.offer(chunk);
            waitingCount.incrementAndGet();
            pool.execute(this::runOne); // finds nothing if a caller ran the chunk first
        }

        private boolean runOne() {
            Runnable chunk = waiting.poll();
            if (chunk == null) return false;
            waitingCount.decrementAndGet();
            chunk.run();
            return true;
        }

        /** Runs on this thread the chunks waiting now (not those added meanwhile: it ends). */
        private void help() {
            for (int n = waitingCount.get(); n > 0 && runOne(); n--) {
                // each round ran one chunk
            }
        }

        /** Chunks handed to the pool and not started yet. */
        public int waitingChunks() {
            return waitingCount.get();
        }
    }

    private final Workers workers;
    private SerialExecutor[] idle = new SerialExecutor[CHUNK];
    private int count;
    private boolean behind; // an executor still had earlier work queued

    public FanOut(Workers workers) {
        this.workers = workers;
    }

    /** Queues {@code task} on {@code executor}; an idle executor waits for the next chunk to start. */
    public void add(SerialExecutor executor, Runnable task) {
        if (!executor.queue(task)) { // busy or already scheduled: it reaches the task in turn
            behind = true;
            return;
        }
        idle[count++] = executor;
        if (count == CHUNK) start();
    }

    /** Starts the executors still waiting; if the workers are behind, runs waiting chunks here. */
    public void finish() {
        if (count > 0) start();
        if (behind && !SerialExecutor.inLoop()) workers.help();
    }

    private void start() {
        SerialExecutor[] chunk = idle;
        int n = count;
        idle = new SerialExecutor[CHUNK];
        count = 0;
        workers.submit(() -> {
            for (int i = 0; i < n; i++) chunk[i].runQueued();
        });
    }
}
