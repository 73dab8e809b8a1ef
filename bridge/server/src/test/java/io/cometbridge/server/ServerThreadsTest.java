package io.cometbridge.server;

import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of work (a connect storm) starts up to the pool's maximum of threads. Jetty's default
 * lets one idle thread end per idle timeout, so the burst's threads, and their stacks, stayed for
 * hours; the bridge lets every thread idle that long end.
 */
class ServerThreadsTest {
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    void theThreadsOfABurstEndOnceIdle() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(), List.of(),
                b -> b.maxThreads(100).threadIdleTimeout(Duration.ofMillis(200)));
        QueuedThreadPool pool = (QueuedThreadPool) server.server.jetty().getThreadPool();
        int burst = 60;
        CountDownLatch started = new CountDownLatch(burst);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < burst; i++) {
            pool.execute(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        started.await();
        assertThat(pool.getThreads()).isGreaterThanOrEqualTo(burst);
        release.countDown();

        // Jetty's default (one per idle period) would have ended at most 25 of them in 5 s.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (pool.getThreads() > burst / 3 && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(pool.getThreads()).as("threads left after the burst").isLessThanOrEqualTo(burst / 3);
    }
}
