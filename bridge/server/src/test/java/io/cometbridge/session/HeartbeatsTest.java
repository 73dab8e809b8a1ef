package io.cometbridge.session;

import io.cometbridge.testing.ManualScheduler;
import io.cometbridge.util.SerialExecutor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Every session's heartbeat in one swept queue, on a manual clock: the period kept, no timer per session. */
class HeartbeatsTest {
    private static final Duration PERIOD = Duration.ofSeconds(16); // swept every 250 ms
    private final ManualScheduler clock = new ManualScheduler();
    private final AtomicInteger poolTasks = new AtomicInteger();
    private final Executor workers = task -> {
        poolTasks.incrementAndGet();
        task.run();
    };
    private final Heartbeats heartbeats = new Heartbeats(clock, PERIOD.toNanos(), workers);
    private final List<String> beats = new ArrayList<>();

    HeartbeatsTest() {
        clock.every(heartbeats.sweepPeriodNanos(), heartbeats::sweep);
    }

    private Heartbeats.Beat start(String name) {
        return heartbeats.start(new SerialExecutor(workers), () -> beats.add(name));
    }

    @Test
    void aSessionBeatsEveryPeriodTheFirstTimeOnePeriodAfterItStarted() {
        clock.advance(Duration.ofMillis(100));
        start("a");
        clock.advance(PERIOD.minusMillis(1));
        assertThat(beats).isEmpty();
        clock.advance(Duration.ofMillis(250)); // at most one sweep period late
        assertThat(beats).containsExactly("a");
        clock.advance(PERIOD);
        assertThat(beats).containsExactly("a", "a");
        clock.advance(PERIOD.multipliedBy(10));
        assertThat(beats).hasSize(12);
    }

    @Test
    void aCancelledBeatStopsAtOnceAndLeavesTheQueueAtItsTurn() {
        Heartbeats.Beat gone = start("gone");
        start("stays");
        clock.advance(PERIOD.plusMillis(250));
        assertThat(beats).containsExactly("gone", "stays");
        gone.cancel();
        assertThat(heartbeats.queued()).isEqualTo(2);
        clock.advance(PERIOD.plusMillis(250));
        assertThat(beats).containsExactly("gone", "stays", "stays");
        assertThat(heartbeats.queued()).isEqualTo(1);
    }

    @Test
    void aStallLongerThanAPeriodSkipsTheMissedBeatsInsteadOfRunningThemBackToBack() {
        ManualScheduler stalled = new ManualScheduler(); // sweeps only when this test says
        Heartbeats late = new Heartbeats(stalled, PERIOD.toNanos(), workers);
        late.start(new SerialExecutor(workers), () -> beats.add("late"));
        stalled.advance(PERIOD.multipliedBy(3).plusMillis(1)); // three beats due, no sweep ran
        late.sweep();
        late.sweep();
        assertThat(beats).containsExactly("late");
        stalled.advance(PERIOD.minusMillis(2));
        late.sweep();
        assertThat(beats).as("the next beat is a period after the late one").containsExactly("late");
        stalled.advance(Duration.ofMillis(2));
        late.sweep();
        assertThat(beats).containsExactly("late", "late");
    }

    @Test
    void beatsFallingDueTogetherShareAPoolTaskPerChunkNotOneEach() {
        for (int i = 0; i < 1000; i++) start("s" + i);
        assertThat(clock.pending()).as("no timer per session").isEqualTo(1);
        clock.advance(PERIOD.plusMillis(250));
        assertThat(beats).hasSize(1000).startsWith("s0", "s1", "s2").endsWith("s999");
        assertThat(poolTasks.get()).as("pool tasks for 1,000 beats").isEqualTo(1000 / 64 + 1);
    }
}
