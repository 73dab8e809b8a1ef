package io.cometbridge.session;

import io.cometbridge.api.Cohort;
import io.cometbridge.api.TransportKind;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide totals per A/B cohort and transport: the sum of every {@link SessionStats} ever counted, closed
 * sessions included, plus wire bytes no session could be charged with (requests that named no
 * session or were refused, statistics and page requests, sockets that never attached); sessions
 * closed by close code, WebSocket fallbacks by reason, and how long long-polls were held.
 * Striped adders: many threads add, readers sum. {@code /stats} and the metrics both read these.
 */
public final class TransportTotals {
    private static final int PER_COHORT = SessionStats.SLOTS * TransportKind.values().length;
    private final LongAdder[] values = new LongAdder[PER_COHORT * Cohort.values().length];
    private final LongAdder unattributedIn = new LongAdder();
    private final LongAdder unattributedOut = new LongAdder();
    private final LongAdder unattributedRequests = new LongAdder();
    private final LabelledCounts closes = new LabelledCounts(64);
    private final LabelledCounts fallbacks = new LabelledCounts(32);
    private final LongAdder pollHolds = new LongAdder();
    private final LongAdder pollHoldNanos = new LongAdder();
    private final LongAccumulator pollHoldMaxNanos = new LongAccumulator(Math::max, 0);

    public TransportTotals() {
        for (int i = 0; i < values.length; i++) values[i] = new LongAdder();
    }

    void add(Cohort cohort, TransportKind kind, int counter, long delta) {
        values[cohort.ordinal() * PER_COHORT + kind.ordinal() * SessionStats.SLOTS + counter].add(delta);
    }

    /** One counter of one transport, every cohort. */
    public long get(TransportKind kind, SessionStats.Counter c) {
        long sum = 0;
        for (Cohort cohort : Cohort.values()) sum += get(cohort, kind, c);
        return sum;
    }

    /** One counter of one transport, the sessions of one A/B cohort (docs/PROTOCOL.md 10.3). */
    public long get(Cohort cohort, TransportKind kind, SessionStats.Counter c) {
        return values[cohort.ordinal() * PER_COHORT + kind.ordinal() * SessionStats.SLOTS + c.ordinal()].sum();
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
