package io.cometbridge.client;

import io.cometbridge.api.TransportKind;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle cuts, as the browser client learns them: proxies and NAT boxes close connections silent for
 * N seconds, often below the server's heartbeat and poll hold. A connection carrying the session
 * lost after at least {@link #MIN_CUT_MILLIS} of silence teaches that silence (the shortest seen
 * counts); from then on the client pings a WebSocket and ends its held polls itself after half of
 * it, remembers it in the {@link ClientMemory}, and after three times that long without another
 * cut reports the learning confirmed. Runs on the client's executor, except {@link #pollHoldMillis},
 * which poll requests read.
 */
final class IdleCuts {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeClient.class);
    /** A connection lost after less silence than this was not cut for being idle. */
    static final long MIN_CUT_MILLIS = 1000;
    /** Never ping or end a poll more often than this. */
    static final long MIN_KEEPALIVE_MILLIS = 500;
    private static final int CONFIRM_FACTOR = 3;
    private static final Duration REMEMBER_FOR = Duration.ofDays(1);

    private final ClientMemory memory;
    private final String key;
    private final ClientEvents events;
    private volatile long cutAfterMillis = -1;
    private long confirmAtNanos = Long.MAX_VALUE;

    IdleCuts(ClientMemory memory, String bridge, ClientEvents events) {
        this.memory = memory;
        this.key = "cometbridge:idle:" + bridge;
        this.events = events;
        try {
            String remembered = memory.recall(key);
            if (remembered != null) cutAfterMillis = Math.max(MIN_CUT_MILLIS, Long.parseLong(remembered));
        } catch (RuntimeException e) { // not ours, or the store failed: start from nothing
            LOG.debug("ignoring the remembered idle cut: " + e);
        }
    }

    /** The shortest silence after which a connection to this bridge was cut; -1 for none. */
    long cutAfterMillis() {
        return cutAfterMillis;
    }

    /** How often a connection must carry something; -1 while no cut is known. */
    long keepaliveMillis() {
        long cut = cutAfterMillis;
        return cut < 0 ? -1 : Math.max(MIN_KEEPALIVE_MILLIS, cut / 2);
    }

    /** How long a poll may be held before the client ends it itself; -1: the server's hold. */
    long pollHoldMillis(long serverPollMillis) {
        long k = keepaliveMillis();
        return k > 0 && k < serverPollMillis ? k : -1;
    }

    /** Whether a WebSocket silent since {@code lastTrafficNanos} needs a ping now (the server's own pings not being enough). */
    boolean pingDue(long nowNanos, long lastTrafficNanos, long serverHbMillis) {
        long k = keepaliveMillis();
        return k > 0 && k < serverHbMillis && nowNanos - lastTrafficNanos >= TimeUnit.MILLISECONDS.toNanos(k);
    }

    /** A connection carrying the session was lost after {@code silentMillis} without traffic; returns whether it counts as an idle cut. */
    boolean cut(TransportKind kind, long silentMillis, long nowNanos) {
        if (silentMillis < MIN_CUT_MILLIS) return false;
        if (cutAfterMillis < 0 || silentMillis < cutAfterMillis) cutAfterMillis = silentMillis;
        try {
            memory.remember(key, Long.toString(cutAfterMillis), REMEMBER_FOR);
        } catch (RuntimeException e) {
            LOG.debug("could not remember the idle cut: " + e);
        }
        LOG.debug(kind + " cut after " + silentMillis + " ms of silence; keeping connections busy every " + keepaliveMillis() + " ms");
        confirmAtNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(CONFIRM_FACTOR * cutAfterMillis);
        events.idleCut(silentMillis, keepaliveMillis(), false);
        return true;
    }

    /** Called as time passes: no cut for three times the silence confirms the learning. */
    void tick(long nowNanos) {
        if (nowNanos < confirmAtNanos) return;
        confirmAtNanos = Long.MAX_VALUE;
        events.idleCut(cutAfterMillis, keepaliveMillis(), true);
    }
}
