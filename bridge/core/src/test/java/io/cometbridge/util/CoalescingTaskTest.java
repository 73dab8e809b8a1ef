package io.cometbridge.util;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CoalescingTaskTest {
    private final List<String> ran = new ArrayList<>(); // touched only by the executor's tasks, on this thread
    private final SerialExecutor executor = new SerialExecutor(Runnable::run);
    private final CoalescingTask flush = new CoalescingTask(executor, () -> ran.add("flush"));

    @Test
    void runsAtOnceWhenNothingElseWaits() {
        executor.execute(() -> {
            ran.add("send");
            flush.run();
            ran.add("after");
        });
        assertThat(ran).containsExactly("send", "flush", "after");
    }

    @Test
    void requestsWhileTasksWaitShareOneRunAfterThem() {
        for (int i = 1; i <= 3; i++) {
            int n = i;
            executor.queue(() -> {
                ran.add("send" + n);
                flush.run();
            });
        }
        executor.runQueued();
        assertThat(ran).containsExactly("send1", "send2", "send3", "flush");
    }

    @Test
    void aRequestAfterTheSharedRunGetsItsOwn() {
        executor.queue(() -> { ran.add("send1"); flush.run(); });
        executor.queue(() -> { ran.add("send2"); flush.run(); });
        executor.runQueued();
        executor.execute(() -> { ran.add("send3"); flush.run(); });
        assertThat(ran).containsExactly("send1", "send2", "flush", "send3", "flush");
    }
}
