package io.cometbridge.session;

import io.cometbridge.api.TransportKind;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-session, per-transport counters (DESIGN.md section 9). Written on the session's executor,
 * read by the statistics endpoint from any thread.
 */
public final class SessionStats {
    /** Counter slots per transport kind. */
    public enum Counter {
        MESSAGES_IN, MESSAGES_OUT, PAYLOAD_BYTES_IN, PAYLOAD_BYTES_OUT, ATTACHES, RTT_SAMPLES, RTT_NANOS_TOTAL
    }

    private static final int SLOTS = Counter.values().length;
    private final AtomicLongArray values = new AtomicLongArray(SLOTS * TransportKind.values().length);
    private volatile long duplicatesDropped;

    private void add(TransportKind kind, Counter c, long delta) {
        int i = kind.ordinal() * SLOTS + c.ordinal();
        values.lazySet(i, values.get(i) + delta); // single writer (the session executor)
    }

    public long get(TransportKind kind, Counter c) {
        return values.get(kind.ordinal() * SLOTS + c.ordinal());
    }

    void received(TransportKind kind, int payloadBytes) {
        add(kind, Counter.MESSAGES_IN, 1);
        add(kind, Counter.PAYLOAD_BYTES_IN, payloadBytes);
    }

    void sent(TransportKind kind, int payloadBytes) {
        add(kind, Counter.MESSAGES_OUT, 1);
        add(kind, Counter.PAYLOAD_BYTES_OUT, payloadBytes);
    }

    void attached(TransportKind kind) {
        add(kind, Counter.ATTACHES, 1);
    }

    void roundTrip(TransportKind kind, long nanos) {
        if (nanos <= 0) return;
        add(kind, Counter.RTT_SAMPLES, 1);
        add(kind, Counter.RTT_NANOS_TOTAL, nanos);
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void duplicate() {
        duplicatesDropped++; // single writer
    }

    public long duplicatesDropped() {
        return duplicatesDropped;
    }
}
