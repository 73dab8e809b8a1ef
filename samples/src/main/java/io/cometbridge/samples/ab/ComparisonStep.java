package io.cometbridge.samples.ab;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.SessionStats.Counter;
import io.cometbridge.session.TransportTotals;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One step of a comparison: the plan's sessions over one transport, against the comparison's own
 * loopback bridge, and what it cost per message. The server's counters are read before the
 * clients connect and after their sessions are gone, so session set-up and close are part of the
 * cost (as they are for a real page). Latency is the client's: send to echo, closed loop.
 */
final class ComparisonStep {
    private static final Duration SESSIONS_GONE = Duration.ofSeconds(10);

    private ComparisonStep() {
    }

    /** Figures of one step: name → value (NaN where nothing could be measured). */
    static Map<String, Double> run(Bridge bridge, URI uri, TransportKind kind, ComparisonPlan plan, Duration timeout) throws Exception {
        TransportTotals totals = bridge.totals();
        long[] before = read(totals, kind);
        String payload = "x".repeat(plan.payload());
        List<Loop> loops = new ArrayList<>();
        List<BridgeClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < plan.sessions(); i++) {
                Loop loop = new Loop(plan.messages(), payload);
                loops.add(loop);
                clients.add(BridgeClient.builder(uri).transports(kind).listener(loop).build());
            }
            CompletableFuture.allOf(clients.stream().map(BridgeClient::connect).toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long t0 = System.nanoTime();
            for (int i = 0; i < loops.size(); i++) loops.get(i).start(clients.get(i));
            CompletableFuture.allOf(loops.stream().map(l -> l.done).toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (BridgeClient c : clients) c.close();
            clients.clear();
            awaitSessionsGone(bridge);
            return figures(read(totals, kind), before, loops, plan, seconds);
        } finally {
            for (BridgeClient c : clients) c.close();
        }
    }

    private static Map<String, Double> figures(long[] after, long[] before, List<Loop> loops, ComparisonPlan plan, double seconds) {
        double n = (double) plan.sessions() * plan.messages();
        long[] d = new long[after.length];
        for (int i = 0; i < d.length; i++) d[i] = after[i] - before[i];
        double[] latencies = loops.stream().flatMapToLong(l -> java.util.Arrays.stream(l.latencies)).mapToDouble(x -> x / 1e6).toArray();
        java.util.Arrays.sort(latencies);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("latencyMs", Spread.quantile(latencies, 0.5));
        m.put("latencyP95Ms", Spread.quantile(latencies, 0.95));
        m.put("messagesPerSecond", n / seconds);
        m.put("wireBytesPerMessage", (d[0] + d[1]) / n);
        m.put("httpRequestsPerMessage", d[2] / n);
        m.put("serverCpuMicrosPerMessage", d[3] / 1000.0 / n);
        m.put("seconds", seconds);
        return m;
    }

    /** Wire bytes in, out, HTTP requests and the sessions' CPU estimate of one transport, every cohort. */
    private static long[] read(TransportTotals totals, TransportKind kind) {
        TransportTotals.Snapshot t = totals.snapshot();
        return new long[]{t.get(kind, Counter.WIRE_BYTES_IN), t.get(kind, Counter.WIRE_BYTES_OUT),
                t.get(kind, Counter.HTTP_REQUESTS), t.get(kind, Counter.CPU_NANOS)};
    }

    /** The clients said goodbye; their close frames and last requests are counted once their sessions are gone. */
    private static void awaitSessionsGone(Bridge bridge) throws InterruptedException {
        long deadline = System.nanoTime() + SESSIONS_GONE.toNanos();
        while (bridge.sessionCount() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
    }

    /** One client's closed loop: send, wait for the echo, send the next; its latencies in nanoseconds. */
    private static final class Loop implements BridgeClient.Listener {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final long[] latencies;
        private final String payload;
        private int received;
        private long sentAt;

        Loop(int messages, String payload) {
            this.latencies = new long[messages];
            this.payload = payload;
        }

        void start(BridgeClient client) {
            sentAt = System.nanoTime();
            client.send(payload);
        }

        @Override
        public void onMessage(BridgeClient client, Message message) { // the listener runs one callback at a time
            latencies[received++] = System.nanoTime() - sentAt;
            if (received == latencies.length) {
                done.complete(null);
                return;
            }
            sentAt = System.nanoTime();
            client.send(payload);
        }

        @Override
        public void onClose(BridgeClient client, io.cometbridge.api.CloseReason reason) {
            if (!done.isDone()) done.completeExceptionally(new IllegalStateException("session closed: " + reason.code() + " " + reason.reason()));
        }
    }
}
