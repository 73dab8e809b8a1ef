package io.cometbridge.session;

import io.cometbridge.api.Cohort;
import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.Frame;
import io.cometbridge.transport.WireTally;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-session, per-transport counters (the raw material of the A/B comparison, docs/PROTOCOL.md section 10): messages and payload bytes each way,
 * bytes on the wire each way (HTTP request and response headers and bodies; WebSocket frames with
 * their headers, masks and control frames), HTTP requests, protocol frames, round-trip samples.
 *
 * <p>Message, frame and round-trip counters are written on the session's executor (single writer);
 * wire bytes and HTTP requests come from I/O threads (see {@link io.cometbridge.transport.ConnectionMeter})
 * and are added atomically. The server's {@link TransportTotals} fold these counters on read; when
 * the session ends ({@link #retire()}) its counts move there, and so does anything it counts after
 * (the bytes of its last answer). Read from any thread.
 *
 * <p>A session is identified here only by a short non-secret {@link #label()}: never by its id.
 */
public final class SessionStats implements WireTally {
    /** Counter slots per transport kind. */
    public enum Counter {
        MESSAGES_IN("messagesIn"),
        MESSAGES_OUT("messagesOut"),
        PAYLOAD_BYTES_IN("payloadBytesIn"),
        PAYLOAD_BYTES_OUT("payloadBytesOut"),
        WIRE_BYTES_IN("wireBytesIn"),
        WIRE_BYTES_OUT("wireBytesOut"),
        HTTP_REQUESTS("httpRequests"),
        FRAMES_IN("framesIn"),
        FRAMES_OUT("framesOut"),
        ATTACHES("attaches"),
        RTT_SAMPLES("rttSamples"),
        RTT_NANOS_TOTAL("rttNanosTotal"),
        /** Estimated CPU time of the session's own work (sampled: see {@link SessionStats#cpu}). */
        CPU_NANOS("cpuNanos");

        private final String jsonName;

        Counter(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The field name in the statistics JSON. */
        public String jsonName() {
            return jsonName;
        }
    }

    static final int SLOTS = Counter.values().length;
    private static final int MESSAGES_IN = Counter.MESSAGES_IN.ordinal();
    private static final int MESSAGES_OUT = Counter.MESSAGES_OUT.ordinal();
    private static final int PAYLOAD_IN = Counter.PAYLOAD_BYTES_IN.ordinal();
    private static final int PAYLOAD_OUT = Counter.PAYLOAD_BYTES_OUT.ordinal();
    private static final int WIRE_IN = Counter.WIRE_BYTES_IN.ordinal();
    private static final int WIRE_OUT = Counter.WIRE_BYTES_OUT.ordinal();
    private static final int HTTP = Counter.HTTP_REQUESTS.ordinal();
    private static final int FRAMES_IN = Counter.FRAMES_IN.ordinal();
    private static final int FRAMES_OUT = Counter.FRAMES_OUT.ordinal();
    private static final int ATTACHES = Counter.ATTACHES.ordinal();
    private static final int RTT_SAMPLES = Counter.RTT_SAMPLES.ordinal();
    private static final int RTT_TOTAL = Counter.RTT_NANOS_TOTAL.ordinal();
    private static final int CPU = Counter.CPU_NANOS.ordinal();

    private final String label;
    private final TransportTotals totals;
    private final Cohort cohort;
    private static final int KINDS = TransportKind.values().length;
    private static final VarHandle KIND = MethodHandles.arrayElementVarHandle(AtomicLongArray[].class);
    /** One array of counters per transport kind, made when the session first counts on it: most sessions use one or two kinds. */
    private final AtomicLongArray[] byKind = new AtomicLongArray[KINDS];
    private volatile long duplicatesDropped;
    private long lastSendNanos; // when frames last went out, on the session's executor (a batch round trip starts)
    private volatile TransportKind lastKind = TransportKind.WEBSOCKET; // the transport attached last: CPU is charged to it
    private volatile boolean retired; // counts have moved to the totals: so must later ones
    private long[] moved; // what the totals' retired sums hold of these counters; guarded by the totals

    /** Counters that only this session sees (tests, tools). */
    public SessionStats() {
        this("-", new TransportTotals());
    }

    public SessionStats(String label, TransportTotals totals) {
        this(label, totals, Cohort.CONTROL);
    }

    /** Counters of a session in {@code cohort}: the server's totals are kept per cohort too. */
    public SessionStats(String label, TransportTotals totals, Cohort cohort) {
        this.label = label;
        this.totals = totals;
        this.cohort = cohort;
        totals.register(this);
    }

    /** The session's A/B cohort. */
    public Cohort cohort() {
        return cohort;
    }

    /** A short non-secret name for this session in statistics (never its id). */
    public String label() {
        return label;
    }

    /** Single-writer increment (the session executor, which also retires: it sees {@code retired} in order). */
    private void add(TransportKind kind, int counter, long delta) {
        AtomicLongArray values = counters(kind);
        values.lazySet(counter, values.get(counter) + delta);
        if (retired) totals.retiredCounted(this);
    }

    /**
     * Multi-writer increment (I/O threads). The add comes before the read of {@code retired}, and
     * the totals set it before reading the counters: at least one of the two sees the other, and
     * the totals move only what they have not moved yet, so the bytes are counted once.
     */
    private void addAtomic(TransportKind kind, int counter, long delta) {
        counters(kind).getAndAdd(counter, delta);
        if (retired) totals.retiredCounted(this);
    }

    /** The counters of {@code kind}, made on first use; two threads that race make one array (any thread). */
    private AtomicLongArray counters(TransportKind kind) {
        AtomicLongArray values = (AtomicLongArray) KIND.getAcquire(byKind, kind.ordinal());
        if (values != null) return values;
        AtomicLongArray made = new AtomicLongArray(SLOTS);
        AtomicLongArray raced = (AtomicLongArray) KIND.compareAndExchange(byKind, kind.ordinal(), null, made);
        return raced == null ? made : raced;
    }

    /**
     * The counters of {@code kind} if it has any (any thread). A volatile read, as the array's
     * creation is a volatile write: the retirement's argument ({@link #addAtomic}) holds for an
     * array made after the totals looked.
     */
    private AtomicLongArray countersIfAny(int kind) {
        return (AtomicLongArray) KIND.getVolatile(byKind, kind);
    }

    /** The session ended (its executor): its counts move to the server's totals, and so will later ones. */
    public void retire() {
        totals.retire(this);
    }

    /** Set by the totals, under their lock, before they read the counters to move them. */
    void markRetired() {
        retired = true;
    }

    /** Adds what the totals have not moved yet of these counters to {@code sums} at {@code offset} (the totals' lock held). */
    void moveInto(long[] sums, int offset) {
        if (moved == null) moved = new long[KINDS * SLOTS];
        for (int k = 0; k < KINDS; k++) {
            AtomicLongArray values = countersIfAny(k);
            if (values == null) continue;
            for (int c = 0; c < SLOTS; c++) {
                int i = k * SLOTS + c;
                long now = values.get(c);
                sums[offset + i] += now - moved[i];
                moved[i] = now;
            }
        }
    }

    /** Adds these counters to {@code sums} at {@code offset} (a snapshot of a live session). */
    void addTo(long[] sums, int offset) {
        for (int k = 0; k < KINDS; k++) {
            AtomicLongArray values = countersIfAny(k);
            if (values == null) continue;
            for (int c = 0; c < SLOTS; c++) sums[offset + k * SLOTS + c] += values.get(c);
        }
    }

    public long get(TransportKind kind, Counter c) {
        AtomicLongArray values = countersIfAny(kind.ordinal());
        return values == null ? 0 : values.get(c.ordinal());
    }

    void received(TransportKind kind, int payloadBytes) {
        add(kind, MESSAGES_IN, 1);
        add(kind, PAYLOAD_IN, payloadBytes);
    }

    void sent(TransportKind kind, int payloadBytes) {
        add(kind, MESSAGES_OUT, 1);
        add(kind, PAYLOAD_OUT, payloadBytes);
    }

    void framesIn(TransportKind kind, int n) {
        add(kind, FRAMES_IN, n);
    }

    void framesOut(TransportKind kind, int n) {
        add(kind, FRAMES_OUT, n);
    }

    /** Frames put on the wire, the messages among them counted too. */
    void framesSent(TransportKind kind, List<Frame> frames) {
        add(kind, FRAMES_OUT, frames.size());
        for (Frame f : frames) {
            if (f instanceof Frame.Data d) sent(kind, d.message().size());
        }
    }

    void attached(TransportKind kind) {
        add(kind, ATTACHES, 1);
        lastKind = kind;
    }

    /**
     * CPU time the session's executor spent on its work, charged to the transport attached last
     * (the session's executor only). An estimate: the executor measures the thread's CPU time
     * around one run in {@link io.cometbridge.util.SerialExecutor#CPU_SAMPLE_EVERY} and reports it
     * scaled up by that factor. It leaves out I/O threads' work (parsing requests, writing frames
     * to the socket) and work done for the session on other sessions' threads (a broadcast).
     * Any thread (the executor reports after its run loop ended, when another may have begun).
     */
    void cpu(long nanos) {
        addAtomic(lastKind, CPU, nanos);
    }

    /** Frames went out on the transport: a batch transport's round trip starts (the session's executor only). */
    void batchSent(long nanoTime) {
        lastSendNanos = nanoTime;
    }

    /** The next receive came: the answer written before it took one round trip (plus client time). */
    void pulled(TransportKind kind, long nanoTime) {
        if (lastSendNanos == 0) return;
        roundTrip(kind, nanoTime - lastSendNanos);
        lastSendNanos = 0;
    }

    void roundTrip(TransportKind kind, long nanos) {
        if (nanos <= 0) return;
        add(kind, RTT_SAMPLES, 1);
        add(kind, RTT_TOTAL, nanos);
    }

    /** Bytes read from or written to the socket for this session (any thread). */
    @Override
    public void wire(TransportKind kind, long bytesIn, long bytesOut) {
        if (bytesIn != 0) addAtomic(kind, WIRE_IN, bytesIn);
        if (bytesOut != 0) addAtomic(kind, WIRE_OUT, bytesOut);
    }

    /** One HTTP request of this session (a poll request, or a WebSocket upgrade). Any thread. */
    @Override
    public void httpRequest(TransportKind kind) {
        addAtomic(kind, HTTP, 1);
    }

    /** The session closed with this code (server-wide count only). */
    void closed(int code) {
        totals.closesByCode().increment(Integer.toString(code));
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void duplicate() {
        duplicatesDropped++; // single writer
    }

    public long duplicatesDropped() {
        return duplicatesDropped;
    }
}
