package io.cometbridge.client;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The one timer thread every client in the JVM shares; tasks hand their work to their client's executor. */
final class ClientTimers {
    static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bridge-client-timer");
        t.setDaemon(true);
        return t;
    });

    private ClientTimers() {
    }

    static void later(long millis, Runnable task) {
        TIMERS.schedule(task, millis, TimeUnit.MILLISECONDS);
    }
}
