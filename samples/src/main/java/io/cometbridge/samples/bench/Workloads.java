package io.cometbridge.samples.bench;

import com.google.gson.JsonObject;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The three workloads. Each run returns its figures by name (see {@link Bench#METRICS}). */
final class Workloads {
    private final ServerTarget server;
    private final LoadGen load;
    private final Progress progress;
    private final Bench.Settings s;

    Workloads(ServerTarget server, LoadGen load, Progress progress, Bench.Settings settings) {
        this.server = server;
        this.load = load;
        this.progress = progress;
        this.s = settings;
    }

    // ================================================================ echo

    /** C clients in a closed loop: send, wait for the echo, send again. */
    Map<String, Double> echo(TransportKind kind, String label) throws Exception {
        Recorder latency = new Recorder(3);
        LongAdder completed = new LongAdder();
        String pad = ".".repeat(s.payload);
        class EchoClient implements BridgeClient.Listener {
            volatile boolean running = true;
            BridgeClient client;

            void next() {
                String t = "e" + System.nanoTime() + ":";
                client.send(t.length() >= s.payload ? t : t + pad.substring(t.length()));
            }

            @Override
            public void onMessage(BridgeClient c, Message m) {
                String text = m.text();
                long sent = Long.parseLong(text, 1, text.indexOf(':'), 10);
                latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000)); // µs
                completed.increment();
                if (running) next();
            }
        }
        EchoClient[] loops = new EchoClient[s.clients];
        AtomicLong connected = new AtomicLong();
        progress.phase(label + " connecting", () -> connected.get() + "/" + s.clients);
        List<BridgeClient> clients = load.connect(server.bridgeUri(), kind, s.clients, 200, i -> loops[i] = new EchoClient(),
                connected::set);
        for (int i = 0; i < loops.length; i++) loops[i].client = clients.get(i);
        Runnable rate = rateMeter(completed);
        try {
            for (EchoClient l : loops) l.next();
            progress.phase(label + " warm-up", () -> rateText(rate) + " rt/s");
            sleep(s.warmupSeconds);
            Snapshot s0 = Snapshot.of(server.stats(), kind);
            double c0 = clientCpu();
            latency.getIntervalHistogram(); // discard warm-up
            long n0 = completed.sum();
            progress.phase(label + " measuring", () -> rateText(rate) + " rt/s");
            sleep(s.durationSeconds);
            long n1 = completed.sum();
            Histogram h = latency.getIntervalHistogram();
            Snapshot s1 = Snapshot.of(server.stats(), kind);
            double c1 = clientCpu();
            double secs = s0.seconds(s1);
            long n = Math.max(1, n1 - n0);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("clients", (double) s.clients);
            m.put("roundTripsPerSec", n / secs);
            putLatency(m, h);
            putServerCosts(m, s0, s1, n);
            // Every echo is one message in and one out: anything more out was sent again.
            m.put("resentPerMsg", (double) ((s1.messagesOut() - s0.messagesOut()) - (s1.messagesIn() - s0.messagesIn())) / n);
            m.put("clientCpuPercent", (c1 - c0) / 1e7 / secs);
            return m;
        } finally {
            for (EchoClient l : loops) if (l != null) l.running = false;
            closeAll(clients, kind, label);
        }
    }

    // ================================================================ fan-out

    /** C clients in one room; the server broadcasts R messages/s to it. */
    Map<String, Double> fanout(TransportKind kind, String label) throws Exception {
        Recorder latency = new Recorder(3);
        LongAdder delivered = new LongAdder();
        long measureFrom = Math.round(s.rate * s.warmupSeconds) + 1;
        class FanClient implements BridgeClient.Listener {
            final CompletableFuture<Void> joined = new CompletableFuture<>();
            long received; // confined to the client's executor
            volatile long receivedSeen;
            volatile boolean closed;

            @Override
            public void onClose(BridgeClient c, io.cometbridge.api.CloseReason reason) {
                closed = true;
            }

            @Override
            public void onSessionLost(BridgeClient c, String reason) {
                closed = true;
            }

            @Override
            public void onMessage(BridgeClient c, Message m) {
                String text = m.text();
                if (text.equals(BenchApp.JOIN)) {
                    joined.complete(null);
                    return;
                }
                long now = BenchServer.epochMicros();
                int a = text.indexOf(':');
                long seq = Long.parseLong(text, 1, a, 10);
                long sent = Long.parseLong(text, a + 1, text.indexOf(':', a + 1), 10);
                if (seq >= measureFrom) latency.recordValue(Math.max(1, now - sent));
                received++;
                receivedSeen = received;
                delivered.increment();
            }
        }
        FanClient[] fans = new FanClient[s.fanoutClients];
        AtomicLong connected = new AtomicLong();
        progress.phase(label + " connecting", () -> connected.get() + "/" + s.fanoutClients);
        List<BridgeClient> clients = load.connect(server.bridgeUri(), kind, s.fanoutClients, 200, i -> fans[i] = new FanClient(),
                connected::set);
        try {
            for (BridgeClient c : clients) c.send(BenchApp.JOIN);
            CompletableFuture<?>[] joins = new CompletableFuture<?>[fans.length];
            for (int i = 0; i < fans.length; i++) joins[i] = fans[i].joined;
            CompletableFuture.allOf(joins).get(60, TimeUnit.SECONDS);

            Runnable rate = rateMeter(delivered);
            long total = server.startBroadcast(s.rate, s.warmupSeconds + s.durationSeconds, s.payload);
            progress.phase(label + " warm-up", () -> rateText(rate) + " deliveries/s");
            sleep(s.warmupSeconds);
            Snapshot s0 = Snapshot.of(server.stats(), kind);
            double c0 = clientCpu();
            progress.phase(label + " measuring", () -> rateText(rate) + " deliveries/s");
            sleep(s.durationSeconds);
            Snapshot s1 = Snapshot.of(server.stats(), kind);
            double c1 = clientCpu();
            // Drain: every client should get every broadcast (exactly once, in order). What has not
            // arrived 30 s after the last broadcast counts as lost.
            progress.phase(label + " draining", () -> "");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                JsonObject st = server.broadcastStatus();
                boolean running = st.get("running").getAsBoolean();
                long missing = 0;
                for (FanClient f : fans) missing += Math.max(0, total - f.receivedSeen);
                if (!running && missing == 0) break;
                Thread.sleep(100);
            }
            long sent = server.broadcastStatus().get("sent").getAsLong();
            long lost = 0, closedSessions = 0;
            for (FanClient f : fans) {
                lost += Math.max(0, sent - f.receivedSeen);
                if (f.closed) closedSessions++;
            }
            Histogram h = latency.getIntervalHistogram();
            double secs = s0.seconds(s1);
            long deliveries = Math.max(1, s1.messagesOut() - s0.messagesOut());
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("clients", (double) s.fanoutClients);
            m.put("broadcastsPerSec", s.rate);
            m.put("deliveriesPerSec", deliveries / secs);
            putLatency(m, h);
            m.put("lost", (double) lost);
            m.put("sessionsClosed", (double) closedSessions);
            putServerCosts(m, s0, s1, deliveries);
            m.put("clientCpuPercent", (c1 - c0) / 1e7 / secs);
            return m;
        } finally {
            closeAll(clients, kind, label);
        }
    }

    // ================================================================ idle

    /** N sessions held open doing nothing: memory and CPU per session. */
    Map<String, Double> idle(TransportKind kind, String label) throws Exception {
        progress.phase(label + " measuring baseline memory", () -> "");
        JsonObject m0 = memory();
        AtomicLong connected = new AtomicLong();
        progress.phase(label + " connecting", () -> connected.get() + "/" + s.idleSessions);
        List<BridgeClient> clients = load.connect(server.bridgeUri(), kind, s.idleSessions, 500,
                i -> (c, msg) -> { }, connected::set);
        try {
            progress.phase(label + " settling", () -> "");
            sleep(Math.max(1, s.warmupSeconds));
            JsonObject m1 = memory();
            Snapshot s0 = Snapshot.of(server.stats(), kind);
            progress.phase(label + " measuring", () -> "");
            sleep(s.durationSeconds);
            Snapshot s1 = Snapshot.of(server.stats(), kind);
            double secs = s0.seconds(s1);
            int n = s.idleSessions;
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("sessions", (double) n);
            m.put("liveSessions", (double) s1.liveSessions());
            double heap = (m1.get("heapUsedBytes").getAsDouble() - m0.get("heapUsedBytes").getAsDouble()) / n;
            double rss = (m1.get("rssBytes").getAsDouble() - m0.get("rssBytes").getAsDouble()) / n;
            m.put("heapPerSessionBytes", heap);
            // With the heap pre-touched (the child server's default), RSS grows only by native memory.
            m.put("rssPerSessionBytes", rss);
            m.put("memoryPerSessionBytes", heap + Math.max(0, rss));
            m.put("memoryMeasuredAfterGc", m1.has("gc") ? 1.0 : 0.0);
            m.put("serverCpuUsPerSessionSec", (s1.cpuNanos() - s0.cpuNanos()) / 1000.0 / n / secs);
            m.put("wireInPerSessionMin", (s1.wireIn() - s0.wireIn()) * 60.0 / n / secs);
            m.put("wireOutPerSessionMin", (s1.wireOut() - s0.wireOut()) * 60.0 / n / secs);
            m.put("httpRequestsPerSessionMin", (s1.httpRequests() - s0.httpRequests()) * 60.0 / n / secs);
            return m;
        } finally {
            closeAll(clients, kind, label);
        }
    }

    // ================================================================ helpers

    private JsonObject memory() throws Exception {
        JsonObject m = server.memory();
        if (m != null) {
            m.addProperty("gc", true);
            return m;
        }
        JsonObject p = server.stats().getAsJsonObject("process"); // not a BenchServer: no GC first
        JsonObject out = new JsonObject();
        out.add("heapUsedBytes", p.get("heapUsedBytes"));
        out.add("rssBytes", p.get("rssBytes"));
        return out;
    }

    private static void putLatency(Map<String, Double> m, Histogram h) {
        m.put("latencyP50Ms", h.getValueAtPercentile(50) / 1000.0);
        m.put("latencyP99Ms", h.getValueAtPercentile(99) / 1000.0);
        m.put("latencyP999Ms", h.getValueAtPercentile(99.9) / 1000.0);
        m.put("latencyMaxMs", h.getMaxValue() / 1000.0);
        m.put("latencySamples", (double) h.getTotalCount());
    }

    /** Server CPU, wire bytes and HTTP requests per message over a window. */
    private static void putServerCosts(Map<String, Double> m, Snapshot s0, Snapshot s1, long messages) {
        double secs = s0.seconds(s1);
        m.put("serverCpuUsPerMsg", (s1.cpuNanos() - s0.cpuNanos()) / 1000.0 / messages);
        m.put("serverCpuPercent", (s1.cpuNanos() - s0.cpuNanos()) / 1e7 / secs);
        m.put("wireUpPerMsg", (double) (s1.wireIn() - s0.wireIn()) / messages);
        m.put("wireDownPerMsg", (double) (s1.wireOut() - s0.wireOut()) / messages);
        m.put("httpRequestsPerMsg", (double) (s1.httpRequests() - s0.httpRequests()) / messages);
        m.put("framesPerMsg", (double) (s1.framesIn() - s0.framesIn() + s1.framesOut() - s0.framesOut()) / messages);
    }

    /** Closes the clients and waits until the server has let their sessions go. */
    private void closeAll(List<BridgeClient> clients, TransportKind kind, String label) throws Exception {
        AtomicLong closed = new AtomicLong();
        progress.phase(label + " closing", () -> closed.get() + "/" + clients.size());
        // In batches: a polling close is one more request beside the held poll, and the process
        // may hold only so many sockets.
        for (BridgeClient c : clients) {
            c.close();
            if (closed.incrementAndGet() % 500 == 0) Thread.sleep(250);
        }
        // Sessions whose close never arrived end after heartbeat timeout + grace period (60 s by default).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (server.stats().getAsJsonObject("sessions").get("live").getAsLong() == 0) break;
            Thread.sleep(200);
        }
        Thread.sleep(500); // let the clients' last requests finish
    }

    private static double clientCpu() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** A rate over the last progress interval; run() samples, toString reads. */
    private static Runnable rateMeter(LongAdder counter) {
        return new Runnable() {
            long lastCount = counter.sum();
            long lastNanos = System.nanoTime();
            double rate;

            @Override
            public synchronized void run() {
                long c = counter.sum(), t = System.nanoTime();
                if (t - lastNanos > 500_000_000L) {
                    rate = (c - lastCount) * 1e9 / (t - lastNanos);
                    lastCount = c;
                    lastNanos = t;
                }
            }

            @Override
            public synchronized String toString() {
                return String.format("%,.0f", rate);
            }
        };
    }

    private static String rateText(Runnable meter) {
        meter.run();
        return meter.toString();
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    /** The 1-minute load average, or -1. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (Exception e) {
            return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
    }
}
