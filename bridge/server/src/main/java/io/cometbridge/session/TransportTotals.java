package io.cometbridge.session;

import io.cometbridge.api.Cohort;
import io.cometbridge.api.TransportKind;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide totals per A/B cohort and transport: the sum of every {@link SessionStats} ever counted, closed
 * sessions included, plus wire bytes no session could be charged with (requests that named no
 * session or were refused, statistics and page requests, sockets that never attached); sessions
 * closed by close code, WebSocket fallbacks by reason, and how long long-polls were held.
 * {@code /stats} and the metrics both read these.
 *
 * <p>Folded on read: a message, a frame or a socket read costs its session's counter and nothing
 * server-wide. A {@link #snapshot()} sums the counters of the live sessions and the retired sums,
 * where a session's counts move when it ends ({@link SessionStats#retire()}). Moves and snapshots
 * take this object's lock, so a snapshot sees every session once, and successive snapshots never
 * go down; the hot path takes no lock.
 */
public final class TransportTotals {
    private static final int PER_COHORT = SessionStats.SLOTS * TransportKind.values().length;
    private static final long RECENT_NANOS = 100_000_000L; // longer than a metrics scrape takes
    private final Set<SessionStats> live = ConcurrentHashMap.newKeySet();
    private final long[] retired = new long[PER_COHORT * Cohort.values().length]; // guarded by this
    private volatile Snapshot recent; // the last snapshot, for readers that ask for many counters (metrics)
    private final LongAdder unattributedIn = new LongAdder();
    private final LongAdder unattributedOut = new LongAdder();
    private final LongAdder unattributedRequests = new LongAdder();
    private final LabelledCounts closes = new LabelledCounts(64);
    private final LabelledCounts fallbacks = new LabelledCounts(32);
    private final LongAdder pollHolds = new LongAdder();
    private final LongAdder pollHoldNanos = new LongAdder();
    private final LongAccumulator pollHoldMaxNanos = new LongAccumulator(Math::max, 0);

    /** A session's counters count from now on (its constructor). */
    void register(SessionStats session) {
        live.add(session);
    }

    /**
     * The session ended: its counts so far move into the retired sums. Marked under the lock, so
     * that a count that sees the mark finds the session moved (never still among the live ones).
     */
    synchronized void retire(SessionStats session) {
        session.markRetired();
        if (live.remove(session)) session.moveInto(retired, offset(session.cohort()));
    }

    /** A retired session counted more (the bytes of its last answer): those move too. */
    synchronized void retiredCounted(SessionStats session) {
        session.moveInto(retired, offset(session.cohort()));
    }

    /** Every counter now: the live sessions' plus the retired sums. */
    public synchronized Snapshot snapshot() {
        long[] sum = retired.clone();
        for (SessionStats s : live) s.addTo(sum, offset(s.cohort()));
        Snapshot now = new Snapshot(sum, System.nanoTime());
        recent = now;
        return now;
    }

    /** A snapshot at most 100 ms old: one fold serves the many single-counter reads of a metrics scrape. */
    public Snapshot recentSnapshot() {
        Snapshot r = recent;
        return r != null && System.nanoTime() - r.takenNanos < RECENT_NANOS ? r : snapshot();
    }

    /** One counter of one transport, every cohort, now. */
    public long get(TransportKind kind, SessionStats.Counter c) {
        return snapshot().get(kind, c);
    }

    /** One counter of one transport, the sessions of one A/B cohort (docs/PROTOCOL.md 10.3), now. */
    public long get(Cohort cohort, TransportKind kind, SessionStats.Counter c) {
        return snapshot().get(cohort, kind, c);
    }

    private static int offset(Cohort cohort) {
        return cohort.ordinal() * PER_COHORT;
    }

    /** The counters of every session, per cohort and transport, at one moment. */
    public static final class Snapshot {
        private final long[] values;
        private final long takenNanos;

        private Snapshot(long[] values, long takenNanos) {
            this.values = values;
            this.takenNanos = takenNanos;
        }

        /** One counter of one transport, every cohort. */
        public long get(TransportKind kind, SessionStats.Counter c) {
            long sum = 0;
            for (Cohort cohort : Cohort.values()) sum += get(cohort, kind, c);
            return sum;
        }

        /** One counter of one transport, the sessions of one A/B cohort. */
        public long get(Cohort cohort, TransportKind kind, SessionStats.Counter c) {
            return values[offset(cohort) + kind.ordinal() * SessionStats.SLOTS + c.ordinal()];
        }
    }

    /** Wire bytes of an exchange or connection that belonged to no session. */
    public void unattributed(long bytesIn, long bytesOut, boolean request) {
        if (bytesIn != 0) unattributedIn.add(bytesIn);
        if (bytesOut != 0) unattributedOut.add(bytesOut);
        if (request) unattributedRequests.increment();
    }

    public long unattributedBytesIn() {
        return unattributedIn.sum();
    }

    public long unattributedBytesOut() {
        return unattributedOut.sum();
    }

    public long unattributedRequests() {
        return unattributedRequests.sum();
    }

    /** Sessions closed, by close code ("4001", ...). */
    public LabelledCounts closesByCode() {
        return closes;
    }

    /**
     * Sessions that fell back from WebSocket to polling, by the reason code the server saw
     * ({@code upgrade_stripped}, ...; {@code unexplained} when the WebSocket failed where the
     * server could not see it). See {@link UpgradeNotices}.
     */
    public LabelledCounts fallbacksByReason() {
        return fallbacks;
    }

    /** A long-poll was held this long before it was answered or abandoned. */
    public void pollHeld(long nanos) {
        if (nanos < 0) return;
        pollHolds.increment();
        pollHoldNanos.add(nanos);
        pollHoldMaxNanos.accumulate(nanos);
    }

    public long pollHolds() {
        return pollHolds.sum();
    }

    public long pollHoldNanosTotal() {
        return pollHoldNanos.sum();
    }

    public long pollHoldMaxNanos() {
        return pollHoldMaxNanos.get();
    }
}
