package io.cometbridge.session;

import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.testing.FakeTransport;
import io.cometbridge.testing.ManualScheduler;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.util.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transport's timer (a held poll's timeout) hands its task to the session's executor on the
 * worker pool: the thread that fires timers, shared by every session, never runs the task itself.
 * Before, a held poll's timeout ran inline on the timer thread when its session was idle, so a
 * burst of polls timing out together wrote every answer there, and every other timer waited.
 * The pool is a queue the test runs by hand, so where the task runs can be seen.
 */
class TransportTimersTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final ArrayDeque<Runnable> pool = new ArrayDeque<>();
    private final Bridge bridge = Bridge.builder(new RecordingApp(RecordingApp.Mode.RECORD))
            .scheduler(clock).workers(pool::add).build();

    @AfterEach
    void stop() {
        bridge.close();
    }

    private Session open() {
        FakeTransport t = FakeTransport.stream();
        bridge.attach(t, new Frame.Attach(null, 0), e -> { throw e; });
        runPool();
        Frame.Open open = (Frame.Open) FrameCodec.decode(t.take().get(0));
        return bridge.find(open.sid());
    }

    private void runPool() {
        for (Runnable task; (task = pool.poll()) != null; ) task.run();
    }

    @Test
    void aTimerThatFiresHandsItsTaskToThePool() {
        Session session = open();
        List<String> ran = new ArrayList<>();
        session.schedule(Duration.ofSeconds(5).toNanos(), () -> ran.add("ran"));

        clock.advance(Duration.ofSeconds(4));
        runPool();
        assertThat(ran).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(ran).as("nothing runs on the thread that fired the timer").isEmpty();
        assertThat(pool).isNotEmpty();
        runPool();
        assertThat(ran).containsExactly("ran");
    }

    @Test
    void aCancelledTimerRunsNothing() {
        Session session = open();
        List<String> ran = new ArrayList<>();
        Scheduler.Timer timer = session.schedule(Duration.ofSeconds(5).toNanos(), () -> ran.add("ran"));
        timer.cancel();

        clock.advance(Duration.ofSeconds(10));
        runPool();
        assertThat(ran).isEmpty();
    }
}
