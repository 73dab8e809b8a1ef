package io.cometbridge.testing;

import io.cometbridge.util.Scheduler;

import java.time.Duration;
import java.util.PriorityQueue;

/** A clock that moves only when the test says so; timers fire, in time order, inside {@link #advance}. */
public final class ManualScheduler implements Scheduler {
    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
    private long now = 1_000_000_000L;
    private long order;

    private final class Task implements Timer {
        long due;
        final long period;
        final Runnable run;
        final long order = ManualScheduler.this.order++;
        boolean cancelled;

        Task(long due, long period, Runnable run) {
            this.due = due;
            this.period = period;
            this.run = run;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Timer schedule(long delayNanos, Runnable task) {
        Task t = new Task(now + Math.max(0, delayNanos), 0, task);
        tasks.add(t);
        return t;
    }

    @Override
    public Timer every(long periodNanos, Runnable task) {
        Task t = new Task(now + periodNanos, periodNanos, task);
        tasks.add(t);
        return t;
    }

    @Override
    public void shutdown() {
        tasks.clear();
    }

    /** Moves the clock forward, running every timer that falls due on the way. */
    public void advance(Duration d) {
        long end = now + d.toNanos();
        while (!tasks.isEmpty() && tasks.peek().due <= end) {
            Task t = tasks.poll();
            if (t.cancelled) continue;
            now = t.due;
            if (t.period > 0) {
                t.due += t.period;
                tasks.add(t);
            }
            t.run.run();
        }
        now = end;
    }

    /** Timers still waiting (cancelled ones excluded). */
    public long pending() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }
}
