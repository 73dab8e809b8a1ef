package io.cometbridge.session;

import io.cometbridge.api.TransportKind;

import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide totals per transport: the sum of every {@link SessionStats} ever counted, closed
 * sessions included, plus wire bytes no session could be charged with (requests that named no
 * session or were refused, statistics and page requests, sockets that never attached).
 * Striped adders: many threads add, readers sum.
 */
public final class TransportTotals {
    private final LongAdder[] values = new LongAdder[SessionStats.SLOTS * TransportKind.values().length];
    private final LongAdder unattributedIn = new LongAdder();
    private final LongAdder unattributedOut = new LongAdder();
    private final LongAdder unattributedRequests = new LongAdder();

    public TransportTotals() {
        for (int i = 0; i < values.length; i++) values[i] = new LongAdder();
    }

    void add(TransportKind kind, int counter, long delta) {
        values[kind.ordinal() * SessionStats.SLOTS + counter].add(delta);
    }

    public long get(TransportKind kind, SessionStats.Counter c) {
        return values[kind.ordinal() * SessionStats.SLOTS + c.ordinal()].sum();
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
}
