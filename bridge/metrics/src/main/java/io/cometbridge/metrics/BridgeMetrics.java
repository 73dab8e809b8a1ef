package io.cometbridge.metrics;

import io.cometbridge.api.Cohort;
import io.cometbridge.api.TransportKind;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.LabelledCounts;
import io.cometbridge.session.Session;
import io.cometbridge.session.SessionStats.Counter;
import io.cometbridge.session.TransportTotals;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The bridge's own counters as Micrometer meters: no second set of counts. Every meter is a
 * function over what {@code /stats} and the A/B page read ({@link TransportTotals}, the live
 * sessions), evaluated when the registry is read. Names (Prometheus form, {@code cometbridge_...})
 * are listed in docs/PROTOCOL.md section 10.1.
 *
 * <p>Close codes and fallback reasons appear as they happen: {@link #refresh()} adds a meter for
 * each new one (the Prometheus endpoint calls it before each scrape; with another registry, call
 * it on your reporting schedule). Both sets are bounded (see {@link LabelledCounts}).
 */
public final class BridgeMetrics implements MeterBinder {
    private static final String PREFIX = "cometbridge.";
    private final Bridge bridge;
    private final LiveSessions live;
    private volatile MeterRegistry registry;

    public BridgeMetrics(Bridge bridge) {
        this.bridge = bridge;
        this.live = new LiveSessions(bridge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        TransportTotals totals = bridge.totals();
        for (TransportKind kind : TransportKind.values()) {
            String t = kind.wireName();
            Gauge.builder(PREFIX + "sessions", live, l -> l.on(kind)).strongReference(true).tag("transport", t)
                    .description("Live sessions attached to this transport").register(registry);
            for (Cohort cohort : Cohort.values()) perCohort(registry, kind, cohort);
        }
        for (Cohort cohort : Cohort.values()) {
            Gauge.builder(PREFIX + "cohort.sessions", live, l -> l.in(cohort)).strongReference(true).tag("cohort", cohort.wireName())
                    .description("Live sessions of this A/B cohort").register(registry);
        }
        Gauge.builder(PREFIX + "sessions", live, LiveSessions::detached).strongReference(true).tag("transport", "none")
                .description("Live sessions attached to this transport").register(registry);
        FunctionCounter.builder(PREFIX + "sessions.opened", bridge, b -> b.sessionsOpened())
                .description("Sessions opened since start").register(registry);
        counter(registry, "unattributed.wire.bytes", "Bytes no session claimed", null, null, "in", TransportTotals::unattributedBytesIn);
        counter(registry, "unattributed.wire.bytes", "Bytes no session claimed", null, null, "out", TransportTotals::unattributedBytesOut);
        Gauge.builder(PREFIX + "replay.buffer.messages", live, LiveSessions::replayMessages).strongReference(true)
                .description("Messages sent and not yet acknowledged, all live sessions").register(registry);
        Gauge.builder(PREFIX + "replay.buffer.bytes", live, LiveSessions::replayBytes).strongReference(true).baseUnit("bytes")
                .description("Payload bytes sent and not yet acknowledged, all live sessions").register(registry);
        Gauge.builder(PREFIX + "replay.buffer.max.messages", live, LiveSessions::replayMax).strongReference(true)
                .description("The deepest replay buffer of one live session").register(registry);
        FunctionTimer.builder(PREFIX + "poll.hold", totals, TransportTotals::pollHolds, TransportTotals::pollHoldNanosTotal, TimeUnit.NANOSECONDS)
                .description("How long long-polls were held before they were answered").register(registry);
        Gauge.builder(PREFIX + "poll.hold.max", totals, x -> x.pollHoldMaxNanos() / 1e9).baseUnit("seconds")
                .description("The longest long-poll hold since start").register(registry);
        Gauge.builder(PREFIX + "ready", bridge, b -> b.isAccepting() ? 1 : 0)
                .description("1 while the bridge takes new sessions, 0 once it drains").register(registry);
        refresh();
    }

    /**
     * Starts a new reading: the live sessions are walked again at the next gauge read, and meters
     * are added for close codes and fallback reasons seen since the last call.
     */
    public void refresh() {
        live.invalidate();
        MeterRegistry r = registry;
        if (r == null) return;
        labelled(r, "closes", "code", "Sessions closed, by close code", bridge.totals().closesByCode());
        labelled(r, "fallbacks", "reason", "Sessions that fell back from WebSocket to polling, by the reason the server saw",
                bridge.totals().fallbacksByReason());
    }

    private static void labelled(MeterRegistry r, String name, String tag, String description, LabelledCounts counts) {
        for (String label : counts.snapshot().keySet()) {
            FunctionCounter.builder(PREFIX + name, counts, c -> c.get(label)).tag(tag, label).description(description).register(r);
        }
    }

    /**
     * The per-transport counters of one A/B cohort's sessions (label {@code cohort}: {@code control}
     * unless the server splits, docs/PROTOCOL.md 10.3); summed over the label, they are /stats' transport totals.
     */
    private void perCohort(MeterRegistry r, TransportKind kind, Cohort cohort) {
        String t = kind.wireName();
        String c = cohort.wireName();
        String wire = "Bytes on the TCP socket, headers and framing included";
        counter(r, "messages", "Application messages", t, c, "in", x -> count(x, cohort, kind, Counter.MESSAGES_IN));
        counter(r, "messages", "Application messages", t, c, "out", x -> count(x, cohort, kind, Counter.MESSAGES_OUT));
        counter(r, "payload.bytes", "Application payload bytes", t, c, "in", x -> count(x, cohort, kind, Counter.PAYLOAD_BYTES_IN));
        counter(r, "payload.bytes", "Application payload bytes", t, c, "out", x -> count(x, cohort, kind, Counter.PAYLOAD_BYTES_OUT));
        counter(r, "wire.bytes", wire, t, c, "in", x -> count(x, cohort, kind, Counter.WIRE_BYTES_IN));
        counter(r, "wire.bytes", wire, t, c, "out", x -> count(x, cohort, kind, Counter.WIRE_BYTES_OUT));
        TransportTotals totals = bridge.totals();
        FunctionCounter.builder(PREFIX + "http.requests", totals, x -> count(x, cohort, kind, Counter.HTTP_REQUESTS)).tags("transport", t, "cohort", c)
                .description("HTTP requests (polls; the WebSocket upgrade)").register(r);
        FunctionCounter.builder(PREFIX + "attaches", totals, x -> count(x, cohort, kind, Counter.ATTACHES)).tags("transport", t, "cohort", c)
                .description("Transports attached to sessions").register(r);
        FunctionTimer.builder(PREFIX + "round.trip", totals, x -> count(x, cohort, kind, Counter.RTT_SAMPLES),
                        x -> count(x, cohort, kind, Counter.RTT_NANOS_TOTAL), TimeUnit.NANOSECONDS).tags("transport", t, "cohort", c)
                .description("Round trips measured by the server: WebSocket ping to pong; polling answer to the next receive").register(r);
        FunctionCounter.builder(PREFIX + "session.cpu", totals, x -> count(x, cohort, kind, Counter.CPU_NANOS) / 1e9).baseUnit("seconds")
                .tags("transport", t, "cohort", c).description("Estimated CPU time of session work (sampled)").register(r);
    }

    /** One counter of one cohort and transport, from the scrape's shared snapshot (one fold per scrape). */
    private static long count(TransportTotals totals, Cohort cohort, TransportKind kind, Counter counter) {
        return totals.recentSnapshot().get(cohort, kind, counter);
    }

    /** Micrometer holds the state object weakly: it must be one the bridge keeps (its totals), never a lambda. */
    private void counter(MeterRegistry r, String name, String description, String transport, String cohort, String direction,
                         ToDoubleFunction<TransportTotals> value) {
        FunctionCounter.Builder<TransportTotals> b = FunctionCounter.builder(PREFIX + name, bridge.totals(), value)
                .tag("direction", direction).description(description);
        if (name.endsWith("bytes")) b.baseUnit("bytes");
        if (transport != null) b.tag("transport", transport);
        if (cohort != null) b.tag("cohort", cohort);
        b.register(r);
    }

    /**
     * One walk over the live sessions serves every gauge of a scrape: the result is kept for a
     * second (or until {@link #invalidate()}), so a scrape reading ten gauges walks the sessions once.
     */
    static final class LiveSessions {
        private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
        private final Bridge bridge;
        private volatile Snapshot last;

        LiveSessions(Bridge bridge) {
            this.bridge = bridge;
        }

        private record Snapshot(long at, Map<TransportKind, Integer> on, Map<Cohort, Integer> in, int detached, long messages, long bytes,
                                long max) {
        }

        private Snapshot snapshot() {
            Snapshot s = last;
            long now = System.nanoTime();
            if (s != null && now - s.at < FRESH_NANOS) return s;
            Map<TransportKind, Integer> on = new EnumMap<>(TransportKind.class);
            Map<Cohort, Integer> in = new EnumMap<>(Cohort.class);
            int detached = 0;
            long messages = 0, bytes = 0, max = 0;
            for (Session session : bridge.sessions()) {
                in.merge(session.cohort(), 1, Integer::sum);
                TransportKind k = session.transport();
                if (k == null) detached++;
                else on.merge(k, 1, Integer::sum);
                int depth = session.replayMessages();
                messages += depth;
                bytes += session.replayBytes();
                max = Math.max(max, depth);
            }
            s = new Snapshot(now, on, in, detached, messages, bytes, max);
            last = s;
            return s;
        }

        void invalidate() {
            last = null;
        }

        double on(TransportKind kind) { return snapshot().on().getOrDefault(kind, 0); }
        double in(Cohort cohort) { return snapshot().in().getOrDefault(cohort, 0); }
        double detached() { return snapshot().detached(); }
        double replayMessages() { return snapshot().messages(); }
        double replayBytes() { return snapshot().bytes(); }
        double replayMax() { return snapshot().max(); }
    }
}
