package io.cometbridge.samples.bench;

import io.cometbridge.samples.bench.load.Target;

import com.sun.management.UnixOperatingSystemMXBean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * The benchmark: the same workloads (echo, fan-out, idle, connect storm) against Comet Bridge,
 * Socket.IO 4.8 and CometD 8, each on WebSocket and on HTTP long-polling, interleaved and repeated,
 * with one load generator that speaks each protocol. Prints absolute medians and the ratios
 * bridge ÷ peer with the issue's targets, and writes report.html, results.json, results.csv and
 * table.txt. Run it with {@code bash scripts/bench.sh} (builds what it needs); see docs/BENCHMARK.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark of Comet Bridge against Socket.IO 4.8 and CometD 8 on WebSocket and long-polling.",
                "Workloads: echo (closed loop), fanout (room broadcast), idle (sessions held open), connect (connect storm).",
                "Defaults are the full run; --quick is a short smoke run; any option given explicitly wins over both."})
public final class Bench implements Callable<Integer> {

    /** What one invocation runs. */
    /**
     * The longest any system stays quiet on purpose: Socket.IO's ping interval (25 s; the bridge
     * holds polls 20 s and pings every 15 s, CometD holds connects 20 s). An idle window no longer
     * than this may see none of a session's keepalive traffic: its per-session overhead would read 0.
     */
    static final double LONGEST_QUIET_SECONDS = 25;

    static final class Settings {
        List<String> workloads;
        List<Target> targets;
        int clients;
        int fanoutClients;
        double rate;
        int idleSessions;
        double idleSeconds;
        int connects;
        int connectParallel;
        int payload;
        double warmupSeconds;
        double durationSeconds;
        double drainSeconds;
        int repeat;
        int threads;
        long connectTimeoutSeconds;
        boolean quick;
        boolean scaleOut;
        long seed;
    }

    @Option(names = "--quick", description = "A short smoke run: small counts, 1 s warm-up, 3 s measured, 1 repeat (figures not meaningful).")
    boolean quick;
    @Option(names = "--workloads", split = ",", paramLabel = "W", description = "echo,fanout,idle,connect (default all).")
    List<String> workloads = Workloads.ALL;
    @Option(names = "--systems", split = ",", paramLabel = "S", description = "bridge,socketio,cometd (default all).")
    List<String> systems = List.of("bridge", "socketio", "cometd");
    @Option(names = "--transports", split = ",", paramLabel = "T", description = "websocket,polling (default both); polling-h2: the bridge's long-polling over HTTP/2 (h2c).")
    List<String> transports = Target.TRANSPORTS;
    @Option(names = {"-c", "--clients"}, paramLabel = "N", description = "Echo: clients in a closed loop (100; quick 20).")
    Integer clients;
    @Option(names = "--fanout-clients", paramLabel = "N", description = "Fan-out: clients in the room (1000; quick 100).")
    Integer fanoutClients;
    @Option(names = "--rate", paramLabel = "R", description = "Fan-out: broadcasts per second (100; quick 20).")
    Double rate;
    @Option(names = "--idle-sessions", paramLabel = "N", description = "Idle: sessions held open (10000; quick 300).")
    Integer idleSessions;
    @Option(names = "--idle-seconds", paramLabel = "S", converter = SecondsConverter.class, description = "Idle: measured window (35; quick 30): per-session idle overhead is reported only when it is longer than every poll hold and heartbeat ("
            + LONGEST_QUIET_SECONDS + " s).")
    Double idleSeconds;
    @Option(names = "--connects", paramLabel = "N", description = "Connect storm: sessions opened (10000; quick 300).")
    Integer connects;
    @Option(names = "--connect-parallel", paramLabel = "N", description = "Connect storm: connects in flight at once (500; quick 100).")
    Integer connectParallel;
    @Option(names = "--payload", paramLabel = "N", description = "Message size in characters (64).")
    Integer payload;
    @Option(names = "--warmup", paramLabel = "S", converter = SecondsConverter.class, description = "Seconds of load before measuring (3; quick 1).")
    Double warmup;
    @Option(names = {"-d", "--duration"}, paramLabel = "S", converter = SecondsConverter.class, description = "Seconds measured per run, e.g. 5 or 5s (10; quick 3).")
    Double duration;
    @Option(names = "--drain", paramLabel = "S", converter = SecondsConverter.class, description = "Fan-out: seconds after the last broadcast before undelivered messages count as lost (15; quick 5).")
    Double drain;
    @Option(names = {"-r", "--repeat"}, paramLabel = "N", description = "Runs per workload and system/transport; the table shows medians (3; quick 1).")
    Integer repeat;
    @Option(names = "--threads", paramLabel = "N", description = "Load generator threads (8).")
    Integer threads;
    @Option(names = "--server-jvm", paramLabel = "OPTS",
            description = "JVM options of both Java servers, bridge and CometD (default '${DEFAULT-VALUE}').",
            defaultValue = "-Xms64m -Xmx2g -XX:+UseG1GC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30")
    String serverJvm;
    @Option(names = "--peers-dir", paramLabel = "DIR", description = "The peers' directory (default: samples/peers found from the working directory).")
    Path peersDir;
    @Option(names = "--rebuild-peers", description = "Run npm ci and the CometD build even when their outputs exist.")
    boolean rebuildPeers;
    @Option(names = "--server-redis", paramLabel = "URI",
            description = "The bridge's server keeps its sessions in this Redis (docs/SCALE_OUT.md), to compare with in memory.")
    String serverRedis;
    @Option(names = "--bridge-floor",
            description = {"Calibration: the bridge's server answers polling and WebSocket with minimal Jetty core handlers instead of "
                    + "its transports (BenchServer --floor; echo, connect storm and WebSocket fan-out): what Jetty alone costs per round trip, connect and delivery."})
    boolean bridgeFloor;
    @Option(names = "--scale-out",
            description = {"Instead of the peers: the bridge on one node in memory, one node on Redis and two nodes on Redis, "
                    + "in the same run (workloads echo and fanout). The nodes use --server-redis if given, else a fresh "
                    + "loopback redis-server per run (redis-server must be installed)."})
    boolean scaleOut;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the order in which systems run within a repeat (default: from the clock).")
    Long seed;
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Report directory (default reports/bench-<timestamp>/).")
    Path out;
    @Option(names = "--report-only", paramLabel = "DIR",
            description = "Run nothing: read DIR/results.json of an earlier run and write its table and report again (into --out, default DIR).")
    Path reportOnly;

    private String[] args = new String[0];

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs without exiting the JVM (tests). */
    public static int run(String... args) {
        Bench bench = new Bench();
        bench.args = args.clone();
        return new CommandLine(bench).execute(args);
    }

    /**
     * The order of the systems in repeat {@code repeat} of {@code workload}: a shuffle drawn from
     * the run's seed. The three are mixed (SplitMix64's finalizer) before they seed the shuffle:
     * {@code java.util.Random}'s first draws from nearby seeds are nearly the same, so seeds a few
     * apart (one per repeat) gave every repeat the same order: the same system first in all five
     * repeats of 97 % of runs with two systems, against 6 % for a fair shuffle.
     */
    static List<Target> runOrder(List<Target> targets, long seed, String workload, int repeat) {
        long z = seed + 0x9E3779B97F4A7C15L * (31L * workload.hashCode() + repeat);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        List<Target> order = new ArrayList<>(targets);
        Collections.shuffle(order, new Random(z ^ (z >>> 31)));
        return order;
    }

    /** One run of one workload against one system/transport. {@code error} is null when it worked. */
    record Run(String workload, Target target, int index, int order, double loadBefore, double loadAfter,
               String error, Map<String, Double> metrics) {
    }

    Settings settings() {
        Settings s = new Settings();
        s.quick = quick;
        s.workloads = workloads.stream().map(w -> w.trim().toLowerCase(Locale.ROOT).replace("-", "")).toList();
        for (String w : s.workloads) {
            if (!Workloads.ALL.contains(w)) throw new CommandLine.ParameterException(new CommandLine(this), "unknown workload " + w);
        }
        s.scaleOut = scaleOut;
        if (scaleOut) {
            if (workloads == Workloads.ALL) s.workloads = ScaleOutReport.WORKLOADS; // not given: the two it runs
            if (!ScaleOutReport.WORKLOADS.containsAll(s.workloads)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--scale-out runs the workloads " + ScaleOutReport.WORKLOADS);
            }
        }
        List<Target.Sys> sys = scaleOut ? Target.Sys.SCALE_OUT : systems.stream().map(Target.Sys::of).toList();
        s.targets = Target.all(sys, transports.stream().map(t -> t.trim().toLowerCase(Locale.ROOT)).toList());
        s.clients = pick(clients, 100, 20);
        s.fanoutClients = pick(fanoutClients, 1000, 100);
        s.rate = pick(rate, 100.0, 20.0);
        s.idleSessions = pick(idleSessions, 10_000, 300);
        s.idleSeconds = pick(idleSeconds, 35.0, 30.0);
        s.connects = pick(connects, 10_000, 300);
        s.connectParallel = pick(connectParallel, 500, 100);
        s.payload = pick(payload, 64, 64);
        s.warmupSeconds = pick(warmup, 3.0, 1.0);
        s.durationSeconds = pick(duration, 10.0, 3.0);
        s.drainSeconds = pick(drain, 15.0, 5.0);
        s.repeat = pick(repeat, 3, 1);
        s.threads = pick(threads, 8, 8);
        s.connectTimeoutSeconds = 180;
        s.seed = seed != null ? seed : System.currentTimeMillis();
        return s;
    }

    /**
     * Refuses, before anything starts, a run whose sessions need more sockets than this process may
     * open ({@code ulimit -n}): it would otherwise end in failed connects and unreadable figures.
     */
    private void requireFileDescriptors(Settings s) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os)) return;
        String shortfall = fileDescriptorShortfall(s, os.getMaxFileDescriptorCount());
        if (shortfall != null) throw new CommandLine.ParameterException(new CommandLine(this), shortfall);
    }

    /** Why {@code limit} open files are too few for {@code s}'s workloads, or null when they are enough. */
    static String fileDescriptorShortfall(Settings s, long limit) {
        long needed = Workloads.socketsNeeded(s);
        return needed <= limit ? null : "these workloads hold at least " + needed + " sockets open but this process may open "
                + limit + " files (ulimit -n): raise the limit or lower --connects / --idle-sessions / --fanout-clients";
    }

    private <T> T pick(T explicit, T full, T quickValue) {
        return explicit != null ? explicit : quick ? quickValue : full;
    }

    @Override
    public Integer call() throws Exception {
        if (reportOnly != null) {
            Report report = Report.fromJson(reportOnly.resolve("results.json"));
            Path dir = out != null ? out : reportOnly;
            System.out.print(report.table());
            report.write(dir);
            System.out.println("report: " + dir.toAbsolutePath().resolve("report.html"));
            return 0;
        }
        Settings s = settings();
        requireFileDescriptors(s);
        Path dir = out != null ? out
                : Path.of("reports", "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<String> jvm = new ArrayList<>(List.of(serverJvm.trim().split("\\s+")));
        jvm.removeIf(String::isEmpty);
        Peers peers = new Peers(peersDir != null ? peersDir : Peers.locate(), jvm)
                .bridgeOptions(bridgeFloor ? List.of("--floor")
                        : serverRedis == null || scaleOut ? List.of() : List.of("--redis=" + serverRedis))
                .nodesRedis(scaleOut ? serverRedis : null);
        if (s.targets.stream().anyMatch(t -> t.system() != Target.Sys.BRIDGE)) peers.ensureBuilt(rebuildPeers, System.err);
        Map<Target.Sys, String> servers = new LinkedHashMap<>();
        for (Target t : s.targets) servers.computeIfAbsent(t.system(), peers::describe);

        List<Run> runs = new ArrayList<>();
        int failures = 0;
        try (Progress progress = new Progress(System.err)) {
            Workloads w = new Workloads(s, progress, peers, dir.resolve("servers"));
            for (String workload : s.workloads) {
                for (int r = 1; r <= s.repeat; r++) {
                    // Interleaved: every repeat runs every system/transport once, in a shuffled order,
                    // so that drift and the machine's other load hit all of them alike.
                    List<Target> order = runOrder(s.targets, s.seed, workload, r);
                    for (int i = 0; i < order.size(); i++) {
                        Target target = order.get(i);
                        String label = String.format(Locale.ROOT, "[%s %s %d/%d]", workload, target, r, s.repeat);
                        double before = Workloads.loadAverage();
                        Map<String, Double> m;
                        String error = null;
                        try {
                            m = w.run(workload, target, r, label);
                        } catch (Exception e) {
                            m = Map.of();
                            error = e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
                            failures++;
                        }
                        double after = Workloads.loadAverage();
                        Run run = new Run(workload, target, r, i + 1, before, after, error, m);
                        runs.add(run);
                        progress.done(label + " " + (error == null ? Report.summary(run) : "FAILED: " + error)
                                + String.format(Locale.ROOT, " (load %.2f→%.2f)", before, after));
                    }
                }
            }
        }
        Report report = new Report(s, runs, servers, String.join(" ", commandLine()));
        System.out.println();
        System.out.print(report.table());
        report.write(dir);
        System.out.println("report: " + dir.toAbsolutePath().resolve("report.html"));
        if (failures > 0) System.err.println("[bench] " + failures + " run(s) failed; see the table and " + dir.resolve("servers"));
        return failures == 0 ? 0 : 1;
    }

    private List<String> commandLine() {
        List<String> line = new ArrayList<>(List.of("bench"));
        line.addAll(List.of(args));
        return line;
    }

    /** Medians per workload, target and metric, over the runs that worked. */
    static Map<String, Map<Target, Map<String, Double>>> medians(List<Run> runs) {
        Map<String, Map<Target, Map<String, List<Double>>>> values = new LinkedHashMap<>();
        for (Run r : runs) {
            if (r.error() != null) continue;
            var byMetric = values.computeIfAbsent(r.workload(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.target(), k -> new LinkedHashMap<>());
            boolean noLatency = r.metrics().getOrDefault("latencySamples", 1.0) == 0;
            r.metrics().forEach((k, v) -> {
                if (!Double.isFinite(v) || noLatency && k.startsWith("latency") && !k.equals("latencySamples")) return; // not measured
                byMetric.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            });
        }
        Map<String, Map<Target, Map<String, Double>>> out = new LinkedHashMap<>();
        values.forEach((w, byT) -> byT.forEach((t, byM) -> byM.forEach((m, list) ->
                out.computeIfAbsent(w, k -> new LinkedHashMap<>()).computeIfAbsent(t, k -> new LinkedHashMap<>()).put(m, median(list)))));
        return out;
    }

    static double median(List<Double> list) {
        List<Double> sorted = new ArrayList<>(list);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
