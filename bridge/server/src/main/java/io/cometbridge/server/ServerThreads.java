package io.cometbridge.server;

import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.time.Duration;

/**
 * Jetty's threads for the bridge's HTTP and WebSocket I/O. The bridge never parks a thread on a
 * session (polls are suspended, sockets are selected), so the pool needs only a few threads once
 * a burst of work is over: threads a burst started end after {@link #DEFAULT_IDLE} without work,
 * all of them, not one per idle period.
 */
final class ServerThreads {
    /** The minimum kept however idle the server is. */
    static final int MIN = 4;
    /** How long a thread above {@link #MIN} may wait for work before it ends. */
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(10);

    private ServerThreads() {
    }

    /**
     * Jetty's pool ends at most one idle thread per idle timeout (a minute) by default: after a
     * connect storm of 10,000 sessions its 200 threads (~120 KB of stack each) stayed for hours,
     * memory the idle sessions were charged with. Here every thread idle that long may end.
     */
    static QueuedThreadPool pool(int maxThreads, Duration idle) {
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(MIN, maxThreads));
        threads.setName("bridge-http");
        threads.setIdleTimeout((int) Math.max(1, idle.toMillis()));
        threads.setMaxEvictCount(maxThreads);
        return threads;
    }
}
