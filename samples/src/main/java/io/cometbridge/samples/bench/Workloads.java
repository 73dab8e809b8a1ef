package io.cometbridge.samples.bench;

import io.cometbridge.samples.bench.load.Target;

import io.cometbridge.samples.bench.load.BenchClient;
import io.cometbridge.samples.bench.load.LoadGenerator;
import io.cometbridge.samples.bench.peer.Control;

import io.cometbridge.samples.bench.peer.Deployment;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * The four workloads, the same for every system and transport. Each run gets a fresh server
 * process (or fresh nodes and redis-server) and a fresh load generator, and returns its figures by
 * name (see {@link ReportRows#ALL}). Server CPU and memory come from /proc for the server's pid (the
 * nodes' pids summed, and the redis-server's), the load generator's CPU from /proc for this
 * process, wire bytes from the load generator's sockets.
 */
final class Workloads {
    static final List<String> ALL = List.of("echo", "fanout", "idle", "connect");
    private final Bench.Settings s;
    private final Progress progress;
    private final Peers peers;
    private final Path logDir;

    Workloads(Bench.Settings settings, Progress progress, Peers peers, Path logDir) {
        this.s = settings;
        this.progress = progress;
        this.peers = peers;
        this.logDir = logDir;
    }

    /** One run: start the server, run the workload against it, stop everything. */
    Map<String, Double> run(String workload, Target target, int index, String label) throws Exception {
        Path log = logDir.resolve(workload + "-" + target.system().id + "-" + target.transport() + "-" + index);
        progress.phase(label + " starting " + target.system().id, () -> "");
        try (Deployment server = peers.deploy(target.system(), log)) {
            Run run = new Run(target, server, new LoadGenerator(server.ports(), s.threads), new Control(server.controlPort()), label);
            try {
                Map<String, Double> m = switch (workload) {
                    case "echo" -> echo(run);
                    case "fanout" -> fanout(run);
                    case "idle" -> idle(run);
                    case "connect" -> connect(run);
                    default -> throw new IllegalArgumentException(workload);
                };
                if (!server.isAlive()) throw new IllegalStateException("the server died during the run; see " + server.logs());
                if (m.containsKey("throughput")) m.put("throughputPerNode", m.get("throughput") / server.nodeCount());
                m.put("connectFailures", (double) run.connectFailures);
                String failures = run.load.failures();
                if (!failures.isEmpty()) progress.done(label + " " + failures);
                return m;
            } finally {
                run.stop();
            }
        }
    }

    /** What one run holds. */
    private final class Run {
        final Target target;
        final Deployment server;
        final LoadGenerator load;
        final Control control;
        final String label;
        final List<BenchClient> clients = new ArrayList<>();
        int connectFailures;

        Run(Target target, Deployment server, LoadGenerator load, Control control, String label) {
            this.target = target;
            this.server = server;
            this.load = load;
            this.control = control;
            this.label = label;
        }

        /**
         * Connects {@code count} clients, at most {@code parallel} at a time; each connect's time
         * (start → connected) goes to {@code times} in µs when it is not null.
         */
        List<BenchClient> connect(int count, int parallel, IntFunction<BenchClient.Listener> listeners, Recorder times, String what)
                throws InterruptedException {
            List<BenchClient> out = new ArrayList<>(count);
            Semaphore permits = new Semaphore(parallel);
            AtomicInteger done = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<CompletableFuture<Void>> all = new ArrayList<>(count);
            progress.phase(label + " " + what, () -> done.get() + "/" + count + (failed.get() > 0 ? ", " + failed.get() + " failed" : ""));
            for (int i = 0; i < count; i++) {
                permits.acquire();
                BenchClient c = load.client(target, listeners.apply(i));
                out.add(c);
                clients.add(c);
                long start = System.nanoTime();
                all.add(c.connect().whenComplete((v, e) -> {
                    permits.release();
                    if (e != null) {
                        failed.incrementAndGet();
                        return;
                    }
                    if (times != null) times.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                    done.incrementAndGet();
                }));
            }
            // Wait for every connect to end, connected or failed.
            CompletableFuture<?>[] ends = all.stream().map(f -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new);
            try {
                CompletableFuture.allOf(ends).get(s.connectTimeoutSeconds, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(target + ": only " + done.get() + " of " + count + " clients connected in "
                        + s.connectTimeoutSeconds + " s", e);
            }
            connectFailures += failed.get();
            // A few failed connects are a figure of the run (connect failures, sessions lost); more
            // than a tenth means the run measures something else: it fails.
            if (failed.get() > count / 10) {
                throw new IllegalStateException(target + ": " + failed.get() + " of " + count + " connects failed: " + load.failures());
            }
            // Those that never connected are counted above; a session lost after connecting stays
            // in the list and counts as lost at the end of the workload.
            out.removeIf(c -> !c.connected());
            return out;
        }

        void stop() throws InterruptedException {
            progress.phase(label + " stopping", () -> "");
            for (BenchClient c : clients) c.close();
            load.close();
        }
    }

    // ================================================================ echo

    /** N clients in a closed loop: send, wait for the echo, send the next. */
    private Map<String, Double> echo(Run run) throws Exception {
        Recorder latency = new Recorder(3);
        LongAdder completed = new LongAdder();
        String pad = ".".repeat(s.payload);
        AtomicBoolean running = new AtomicBoolean(true);
        BenchClient.Listener loop = (c, text) -> {
            long sent = Long.parseLong(text, 1, text.indexOf(':'), 10);
            latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
            completed.increment();
            if (running.get()) c.send(echoText(pad));
        };
        List<BenchClient> clients = run.connect(s.clients, 200, i -> loop, null, "connecting");
        try {
            for (BenchClient c : clients) c.send(echoText(pad));
            Rate rate = new Rate(completed);
            progress.phase(run.label + " warm-up", () -> rate + " rt/s");
            sleep(s.warmupSeconds);
            latency.getIntervalHistogram(); // discard the warm-up
            long n0 = completed.sum();
            MeasuredWindow w = MeasuredWindow.begin(run.server, run.load);
            progress.phase(run.label + " measuring", () -> rate + " rt/s");
            sleep(s.durationSeconds);
            long n = completed.sum() - n0;
            Map<String, Double> m = new LinkedHashMap<>();
            w.end(m, n);
            Histogram h = latency.getIntervalHistogram();
            m.put("clients", (double) s.clients);
            m.put("throughput", n / m.get("seconds"));
            putLatency(m, h);
            m.put("sessionsLost", (double) clients.stream().filter(BenchClient::lost).count());
            return m;
        } finally {
            running.set(false);
        }
    }

    private String echoText(String pad) {
        String t = "e" + System.nanoTime() + ":";
        return t.length() >= s.payload ? t : t + pad.substring(t.length());
    }

    // ================================================================ fan-out

    /** M clients in one room; the server broadcasts R messages/s to it with its clock in each. */
    private Map<String, Double> fanout(Run run) throws Exception {
        Recorder latency = new Recorder(3);
        LongAdder delivered = new LongAdder();
        long measureFrom = Math.round(s.rate * s.warmupSeconds) + 1;
        AtomicLongArray received = new AtomicLongArray(s.fanoutClients);
        List<BenchClient> clients = run.connect(s.fanoutClients, 200, i -> (c, text) -> {
            long now = epochMicros();
            int a = text.indexOf(':');
            long seq = Long.parseLong(text, 1, a, 10);
            long sent = Long.parseLong(text, a + 1, text.indexOf(':', a + 1), 10);
            if (seq >= measureFrom) latency.recordValue(Math.max(1, now - sent));
            received.incrementAndGet(i);
            delivered.increment();
        }, null, "connecting");
        progress.phase(run.label + " joining", () -> "");
        // A client whose join fails is a lost session (and misses every broadcast); the run goes on.
        CompletableFuture.allOf(clients.stream().map(c -> c.join().handle((v, e) -> null)).toArray(CompletableFuture[]::new))
                .get(s.connectTimeoutSeconds, TimeUnit.SECONDS);
        long notJoined = clients.stream().filter(BenchClient::lost).count();
        if (notJoined > clients.size() / 10) {
            throw new IllegalStateException(run.target + ": " + notJoined + " of " + clients.size() + " clients could not join: " + run.load.failures());
        }

        Rate rate = new Rate(delivered);
        long total = run.control.startBroadcast(s.rate, s.warmupSeconds + s.durationSeconds, s.payload);
        progress.phase(run.label + " warm-up", () -> rate + " deliveries/s");
        sleep(s.warmupSeconds);
        long d0 = delivered.sum();
        MeasuredWindow w = MeasuredWindow.begin(run.server, run.load);
        progress.phase(run.label + " measuring", () -> rate + " deliveries/s");
        sleep(s.durationSeconds);
        long deliveries = delivered.sum() - d0;
        Map<String, Double> m = new LinkedHashMap<>();
        w.end(m, deliveries);

        // Every client must get every broadcast; what has not arrived by the end of the drain window is lost.
        progress.phase(run.label + " draining", () -> "");
        long deadline = System.nanoTime() + (long) (s.drainSeconds * 1e9);
        while (System.nanoTime() < deadline) {
            if (!run.control.broadcastRunning() && missing(received, total) == 0) break;
            Thread.sleep(100);
        }
        long sent = run.control.broadcastSent();
        m.put("clients", (double) s.fanoutClients);
        m.put("broadcastsPerSec", s.rate);
        m.put("throughput", deliveries / m.get("seconds"));
        putLatency(m, latency.getIntervalHistogram());
        m.put("lost", (double) missing(received, sent));
        m.put("sessionsLost", (double) clients.stream().filter(BenchClient::lost).count());
        return m;
    }

    private static long missing(AtomicLongArray received, long expected) {
        long missing = 0;
        for (int i = 0; i < received.length(); i++) missing += Math.max(0, expected - received.get(i));
        return missing;
    }

    // ================================================================ idle

    /** K sessions held open doing nothing: memory, CPU and wire bytes per session. */
    private Map<String, Double> idle(Run run) throws Exception {
        int warm = idleWarmup(s);
        run.connect(warm, 100, i -> (c, t) -> { }, null, "warm-up sessions");
        sleep(Math.min(1, s.warmupSeconds));
        run.control.gc();
        ProcStats base = ProcStats.settled(run.server.nodePids());
        List<BenchClient> clients = run.connect(s.idleSessions, 500, i -> (c, t) -> { }, null, "connecting");
        progress.phase(run.label + " settling", () -> "");
        sleep(s.warmupSeconds);
        MeasuredWindow w = MeasuredWindow.begin(run.server, run.load);
        progress.phase(run.label + " idle for " + (int) s.idleSeconds + " s", () -> clients.stream().filter(BenchClient::lost).count() + " lost");
        sleep(s.idleSeconds);
        Map<String, Double> m = new LinkedHashMap<>();
        // Per session alive at the end of the window (lost sessions no longer cost anything).
        long n = Math.max(1, clients.stream().filter(c -> !c.lost()).count());
        w.end(m, n);
        double secs = m.get("seconds");
        // per session per minute instead of per message
        m.put("serverCpuUsPerSessionSec", m.remove("serverCpuUsPerMsg") / secs);
        m.put("wireUpPerSessionMin", m.remove("wireUpPerMsg") * 60 / secs);
        m.put("wireDownPerSessionMin", m.remove("wireDownPerMsg") * 60 / secs);
        if (s.idleSeconds <= Bench.LONGEST_QUIET_SECONDS) { // too short to see every keepalive: not a 0, not measured
            m.remove("serverCpuUsPerSessionSec");
            m.remove("wireUpPerSessionMin");
            m.remove("wireDownPerSessionMin");
        }
        progress.phase(run.label + " measuring memory", () -> "");
        run.control.gc();
        ProcStats after = ProcStats.settled(run.server.nodePids());
        m.put("sessions", (double) n);
        boolean read = after.rssBytes() >= 0 && base.rssBytes() >= 0; // unread: "-", not a figure
        m.put("memoryPerSessionBytes", read ? (after.rssBytes() - base.rssBytes()) / (double) n : Double.NaN);
        m.put("serverRssMB", read ? after.rssBytes() / 1048576.0 : Double.NaN);
        m.put("sessionsLost", (double) clients.stream().filter(BenchClient::lost).count());
        return m;
    }

    // ================================================================ connect storm

    /**
     * K sessions opened as fast as the server takes them (a window of P at a time), each until
     * connected, twice on one server. First on a fresh server, after 1,000 warm-up sessions: a node
     * just started meeting its clients coming back (the JVM is still compiling its connect path).
     * Then, once every session of the first is closed and the server has settled, a second storm
     * on that server: warmer, though a JVM may still be compiling (the JIT's share is a figure of
     * each storm). The second storm's figures are the first's keys with the prefix {@code second}.
     */
    private Map<String, Double> connect(Run run) throws Exception {
        int warm = connectWarmup(s);
        List<BenchClient> first = new ArrayList<>(run.connect(warm, s.connectParallel, i -> (c, t) -> { }, null, "warm-up connects"));
        sleep(Math.min(1, s.warmupSeconds));
        Map<String, Double> m = storm(run, first, "connecting");
        progress.phase(run.label + " closing", () -> "");
        first.forEach(BenchClient::close); // no goodbye: the clients' sockets close, as when a network drops them
        sleep(s.warmupSeconds); // the server handles those closes before the second storm
        Map<String, Double> again = storm(run, new ArrayList<>(), "second storm: connecting");
        m.merge("sessionsLost", again.remove("sessionsLost"), Double::sum); // one count for the run
        again.forEach((k, v) -> m.put(secondStorm(k), v));
        return m;
    }

    /** One storm of {@code s.connects} sessions, its clients added to {@code opened}: its figures. */
    private Map<String, Double> storm(Run run, List<BenchClient> opened, String what) throws Exception {
        Recorder times = new Recorder(3);
        MeasuredWindow w = MeasuredWindow.begin(run.server, run.load);
        long t0 = System.nanoTime();
        List<BenchClient> clients = run.connect(s.connects, s.connectParallel, i -> (c, t) -> { }, times, what);
        double secs = (System.nanoTime() - t0) / 1e9;
        opened.addAll(clients);
        Map<String, Double> m = new LinkedHashMap<>();
        w.end(m, s.connects);
        m.put("connects", (double) s.connects);
        m.put("connectSeconds", secs);
        m.put("throughput", s.connects / secs);
        putLatency(m, times.getIntervalHistogram());
        m.put("sessionsLost", (double) clients.stream().filter(BenchClient::lost).count());
        return m;
    }

    // ================================================================ helpers

    private static void putLatency(Map<String, Double> m, Histogram h) {
        if (h.getTotalCount() == 0) { // nothing arrived in the measured phase: no latency, not 0
            for (String k : List.of("latencyP50Ms", "latencyP99Ms", "latencyP999Ms", "latencyMaxMs")) m.put(k, Double.NaN);
            m.put("latencySamples", 0.0);
            return;
        }
        m.put("latencyP50Ms", h.getValueAtPercentile(50) / 1000.0);
        m.put("latencyP99Ms", h.getValueAtPercentile(99) / 1000.0);
        m.put("latencyP999Ms", h.getValueAtPercentile(99.9) / 1000.0);
        m.put("latencyMaxMs", h.getMaxValue() / 1000.0);
        m.put("latencySamples", (double) h.getTotalCount());
    }

    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** A counter's rate over the last progress interval (for the progress line). */
    private static final class Rate {
        private final LongAdder counter;
        private long lastCount;
        private long lastNanos = System.nanoTime();
        private double rate;

        Rate(LongAdder counter) {
            this.counter = counter;
            this.lastCount = counter.sum();
        }

        @Override
        public synchronized String toString() {
            long c = counter.sum(), t = System.nanoTime();
            if (t - lastNanos > 500_000_000L) {
                rate = (c - lastCount) * 1e9 / (t - lastNanos);
                lastCount = c;
                lastNanos = t;
            }
            return String.format("%,.0f", rate);
        }
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    /** The key of a second-storm figure: the fresh storm's key with the prefix {@code second} ("connectSeconds" -> "secondConnectSeconds"). */
    static String secondStorm(String key) {
        return "second" + Character.toUpperCase(key.charAt(0)) + key.substring(1);
    }

    /** The idle workload's warm-up sessions, opened before its first memory reading and kept open. */
    private static int idleWarmup(Bench.Settings s) {
        return Math.max(1, Math.min(100, s.idleSessions / 10));
    }

    /** The connect storm's warm-up sessions, opened before the fresh server's storm and kept open through it. */
    private static int connectWarmup(Bench.Settings s) {
        return Math.max(1, Math.min(1000, s.connects / 5));
    }

    /**
     * The fewest sockets the load generator holds open at once in the largest of {@code s}'s
     * workloads, its warm-up's included: one per session (a polling client's send may need a
     * second), plus a margin for the process's own files.
     */
    static long socketsNeeded(Bench.Settings s) {
        long sessions = 0;
        for (String w : s.workloads) {
            sessions = Math.max(sessions, switch (w) {
                case "echo" -> s.clients;
                case "fanout" -> s.fanoutClients;
                case "idle" -> s.idleSessions + idleWarmup(s);
                case "connect" -> s.connects + connectWarmup(s);
                default -> 0;
            });
        }
        return sessions + 500;
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
