package io.cometbridge.util;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SerialExecutorTest {

    /**
     * Many rounds, because the hazard lives in the run loop's hand-overs between submitters. With
     * the count taken after the offer (the bug this guards against), this test failed in 3 of 5
     * runs on a 2-core machine, each time within its first 110 rounds.
     */
    @Test
    void runsTasksOneAtATimeInOrderPerSubmitter() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SUBMITTERS);
        try {
            for (int round = 0; round < 1_000; round++) {
                Round r = runRound(new SerialExecutor(pool), pool);
                assertThat(r.maxRunning()).as("tasks running at once").isEqualTo(1);
                for (List<Integer> s : r.seen()) {
                    assertThat(s).hasSize(TASKS);
                    for (int i = 0; i < s.size(); i++) {
                        if (s.get(i) != i) throw new AssertionError("round " + round + ": task " + s.get(i) + " ran in place " + i);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static final int SUBMITTERS = 3, TASKS = 10_000;

    /** Each submitter's task numbers in the order they ran, and the most tasks seen running at once. */
    private record Round(List<List<Integer>> seen, int maxRunning) {}

    /** Each of the submitters sends TASKS numbered tasks to {@code serial}. */
    private static Round runRound(SerialExecutor serial, ExecutorService pool) throws InterruptedException {
        AtomicInteger running = new AtomicInteger(), maxRunning = new AtomicInteger();
        List<List<Integer>> seen = new ArrayList<>();
        for (int t = 0; t < SUBMITTERS; t++) seen.add(new ArrayList<>()); // touched only inside the executor
        CountDownLatch done = new CountDownLatch(SUBMITTERS * TASKS);
        for (int t = 0; t < SUBMITTERS; t++) {
            int submitter = t;
            pool.execute(() -> {
                for (int i = 0; i < TASKS; i++) {
                    int n = i;
                    serial.execute(() -> {
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        seen.get(submitter).add(n);
                        running.decrementAndGet();
                        done.countDown();
                    });
                }
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).as("every task ran").isTrue();
        return new Round(seen, maxRunning.get());
    }

    /** The common case costs no queue and no hand-off: an idle executor runs the task at once, here. */
    @Test
    void anIdleExecutorRunsTheTaskOnTheCallersThreadAndWhatItSubmitsAfterIt() {
        SerialExecutor serial = new SerialExecutor(r -> {
            throw new AssertionError("nothing should be handed to the pool");
        });
        Thread caller = Thread.currentThread();
        List<String> order = new ArrayList<>();
        serial.execute(() -> {
            order.add(Thread.currentThread() == caller ? "first, on the caller's thread" : "first, elsewhere");
            serial.execute(() -> order.add("second"));
            order.add("first done");
        });
        assertThat(order).containsExactly("first, on the caller's thread", "first done", "second");
        assertThat(serial.backlog()).isZero();
        serial.execute(() -> order.add("third"));
        assertThat(order).endsWith("third");
    }

    @Test
    void aFailingTaskDoesNotStopTheQueue() throws Exception {
        SerialExecutor serial = new SerialExecutor(Runnable::run);
        AtomicInteger ran = new AtomicInteger();
        serial.execute(() -> { throw new IllegalStateException("boom"); });
        serial.execute(ran::incrementAndGet);
        assertThat(ran.get()).isEqualTo(1);
    }

    @Test
    void aTaskThatSubmitsToAnotherExecutorDoesNotRunItInline() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor a = new SerialExecutor(pool), b = new SerialExecutor(pool);
            List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            a.executeLater(() -> { // on the pool's only thread, so b can run only after a
                b.execute(() -> {
                    order.add("b");
                    done.countDown();
                });
                order.add("a finished"); // b must not have run in the middle of a
            });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly("a finished", "b");
        } finally {
            pool.shutdownNow();
        }
    }
}
