package io.cometbridge.session;

import io.cometbridge.testing.ManualScheduler;
import io.cometbridge.testing.RecordingApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Connections that must attach in time, on the bridge's manual clock: one queue swept by the bridge, no timer per connection. */
class AttachDeadlinesTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final Bridge bridge = Bridge.builder(new RecordingApp(RecordingApp.Mode.RECORD))
            .config(BridgeConfig.builder().attachTimeout(Duration.ofSeconds(2)).build())
            .scheduler(clock).workers(Runnable::run).build();
    private final List<String> timedOut = new ArrayList<>();

    @AfterEach
    void stop() {
        bridge.close();
    }

    @Test
    void aConnectionThatDoesNotAttachIsEndedOnceItsTimeoutPassedNotBefore() {
        bridge.attachDeadlines().start(() -> timedOut.add("a"));
        clock.advance(Duration.ofMillis(1999));
        assertThat(timedOut).isEmpty();
        clock.advance(Duration.ofMillis(200)); // the sweep runs every tenth of the timeout
        assertThat(timedOut).containsExactly("a");
        clock.advance(Duration.ofSeconds(10));
        assertThat(timedOut).as("once only").containsExactly("a");
    }

    @Test
    void aConnectionThatAttachedOrClosedIsLeftAlone() {
        AttachDeadlines.Deadline attached = bridge.attachDeadlines().start(() -> timedOut.add("attached"));
        clock.advance(Duration.ofMillis(500));
        bridge.attachDeadlines().start(() -> timedOut.add("late"));
        attached.settled();
        clock.advance(Duration.ofMillis(1700)); // past the first deadline (2 s), not the second (2.5 s)
        assertThat(timedOut).isEmpty();
        clock.advance(Duration.ofMillis(500));
        assertThat(timedOut).containsExactly("late");
    }

    @Test
    void deadlinesArePerConnectionAndLeaveTheQueueOnceDue() {
        for (int i = 0; i < 1000; i++) {
            String name = "c" + i;
            AttachDeadlines.Deadline d = bridge.attachDeadlines().start(() -> timedOut.add(name));
            if (i % 2 == 0) d.settled();
            clock.advance(Duration.ofMillis(1));
        }
        assertThat(bridge.attachDeadlines().queued()).isEqualTo(1000);
        assertThat(clock.pending()).as("no timer per connection: the reaper and the two sweeps").isEqualTo(3);
        clock.advance(Duration.ofSeconds(3));
        assertThat(timedOut).hasSize(500).startsWith("c1", "c3", "c5").endsWith("c999");
        assertThat(bridge.attachDeadlines().queued()).as("nothing kept once due").isZero();
    }
}
