package io.cometbridge.util;

/**
 * A task of one {@link SerialExecutor}'s that runs at once when nothing else waits on the
 * executor, or else once after what waits: requests made meanwhile share that one run. A session
 * that fell behind a burst (a broadcast to a large room, say) then flushes its queued messages in
 * one write or response instead of one per message, and one that keeps up still flushes at once.
 * The cost of the wait is bounded by what was already queued, which runs before anything queued
 * later anyway.
 *
 * <p>Confined to the executor: call {@link #run()} only from one of its tasks.
 */
public final class CoalescingTask implements Runnable {
    private final SerialExecutor executor;
    private final Runnable task;
    private final Runnable queuedRun = this::runQueued; // made once: a session behind a burst queues it per burst
    private boolean queued; // a run waits behind the executor's queued tasks

    public CoalescingTask(SerialExecutor executor, Runnable task) {
        this.executor = executor;
        this.task = task;
    }

    @Override
    public void run() {
        if (executor.backlog() <= 1) { // only the calling task: nothing to wait for
            task.run();
        } else if (!queued) {
            queued = true;
            executor.execute(queuedRun);
        }
    }

    private void runQueued() {
        queued = false;
        task.run();
    }
}
