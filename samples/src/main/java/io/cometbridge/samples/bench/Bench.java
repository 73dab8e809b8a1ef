package io.cometbridge.samples.bench;

import io.cometbridge.api.TransportKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The A/B benchmark: the same workloads over WebSocket and over long-polling, against a server it
 * starts (a child JVM by default) or one already running. Prints a side-by-side table of medians
 * and writes {@code report.html}, {@code results.json} and {@code results.csv} under {@code --out}.
 *
 * <pre>java -cp samples/target/comet-bridge.jar io.cometbridge.samples.bench.Bench --help</pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A/B benchmark of Comet Bridge: WebSocket vs long-polling on the same workloads.",
                "Workloads: echo (closed loop), fanout (room broadcast), idle (sessions held open)."})
public final class Bench implements Callable<Integer> {

    /** What one invocation runs; the command line fills it. */
    static final class Settings {
        List<String> workloads = List.of("echo", "fanout", "idle");
        List<TransportKind> transports = List.of(TransportKind.WEBSOCKET, TransportKind.POLLING);
        int clients = 100;
        int fanoutClients = 1000;
        double rate = 100;
        int idleSessions = 10_000;
        int payload = 64;
        double warmupSeconds = 3;
        double durationSeconds = 10;
        int repeat = 3;
    }

    @Option(names = "--workloads", split = ",", paramLabel = "W", description = "Workloads to run: echo,fanout,idle (default all).")
    List<String> workloads = List.of("echo", "fanout", "idle");
    @Option(names = "--transports", split = ",", paramLabel = "T", description = "websocket,polling (default both).")
    List<String> transports = List.of("websocket", "polling");
    @Option(names = {"-c", "--clients"}, defaultValue = "100", description = "Echo: clients in a closed loop (default ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--fanout-clients", defaultValue = "1000", description = "Fan-out: clients in the room (default ${DEFAULT-VALUE}).")
    int fanoutClients;
    @Option(names = "--rate", defaultValue = "100", description = "Fan-out: broadcasts per second (default ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--idle-sessions", defaultValue = "10000", description = "Idle: sessions held open (default ${DEFAULT-VALUE}).")
    int idleSessions;
    @Option(names = "--payload", defaultValue = "64", description = "Message size in characters (default ${DEFAULT-VALUE}).")
    int payload;
    @Option(names = "--warmup", defaultValue = "3", description = "Seconds before measuring (default ${DEFAULT-VALUE}).")
    double warmup;
    @Option(names = {"-d", "--duration"}, defaultValue = "10", description = "Seconds measured per run (default ${DEFAULT-VALUE}).")
    double duration;
    @Option(names = {"-r", "--repeat"}, defaultValue = "3", description = "Runs per workload and transport; the table shows medians (default ${DEFAULT-VALUE}).")
    int repeat;
    @Option(names = "--url", paramLabel = "URL", description = "Benchmark a running BenchServer, e.g. http://127.0.0.1:8080/bridge, instead of starting one.")
    URI url;
    @Option(names = "--server", defaultValue = "child", paramLabel = "MODE",
            description = "Without --url: 'child' (a separate server JVM: clean CPU and memory figures) or 'in-process' (default ${DEFAULT-VALUE}).")
    String serverMode;
    @Option(names = "--server-jvm", defaultValue = "-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseG1GC", paramLabel = "OPTS",
            description = {"JVM options of the child server (default '${DEFAULT-VALUE}').",
                    "A fixed, pre-touched heap keeps RSS steady, so RSS growth per session is native memory only."})
    String serverJvm;
    @Option(names = "--server-redis", paramLabel = "URI",
            description = "The child server keeps its sessions in this Redis (docs/SCALE_OUT.md), to compare with in memory.")
    String serverRedis;
    @Option(names = "--server-jfr", paramLabel = "FILE", description = "Record a JFR profile of the child server into FILE.")
    Path serverJfr;
    @Option(names = "--threads", defaultValue = "4", description = "Load generator callback threads (default ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--http-clients", defaultValue = "2", description = "JDK HttpClients the load is spread over (default ${DEFAULT-VALUE}).")
    int httpClients;
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Report directory (default reports/bench-<timestamp>/).")
    Path out;

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

    /** One run of one workload over one transport. */
    record Run(String workload, String transport, int index, double loadBefore, double loadAfter, Map<String, Double> metrics) {
    }

    @Override
    public Integer call() throws Exception {
        Settings s = new Settings();
        s.workloads = workloads.stream().map(w -> w.trim().toLowerCase(Locale.ROOT).replace("-", "")).toList();
        for (String w : s.workloads) {
            if (!List.of("echo", "fanout", "idle").contains(w)) throw new CommandLine.ParameterException(new CommandLine(this), "unknown workload " + w);
        }
        s.transports = transports.stream().map(t -> TransportKind.valueOf(t.trim().toUpperCase(Locale.ROOT))).toList();
        s.clients = clients;
        s.fanoutClients = fanoutClients;
        s.rate = rate;
        s.idleSessions = idleSessions;
        s.payload = payload;
        s.warmupSeconds = warmup;
        s.durationSeconds = duration;
        s.repeat = repeat;
        Path dir = out != null ? out
                : Path.of("reports", "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));

        List<Run> runs = new ArrayList<>();
        String serverDescription;
        try (Progress progress = new Progress(System.err)) {
            progress.phase("starting server", () -> "");
            try (ServerTarget server = startServer(dir);
                 LoadGen load = new LoadGen(threads, httpClients)) {
                serverDescription = server.describe();
                progress.done("server: " + serverDescription);
                Workloads w = new Workloads(server, load, progress, s);
                for (String workload : s.workloads) {
                    for (int r = 1; r <= s.repeat; r++) {
                        for (TransportKind kind : s.transports) {
                            String label = String.format("[%s %s %d/%d]", workload, kind.wireName(), r, s.repeat);
                            double before = Workloads.loadAverage();
                            Map<String, Double> m = switch (workload) {
                                case "echo" -> w.echo(kind, label);
                                case "fanout" -> w.fanout(kind, label);
                                default -> w.idle(kind, label);
                            };
                            double after = Workloads.loadAverage();
                            Run run = new Run(workload, kind.wireName(), r, before, after, m);
                            runs.add(run);
                            progress.done(label + " " + Report.summary(run) + String.format(" (load %.2f→%.2f)", before, after));
                        }
                    }
                }
            }
        }
        Report report = new Report(s, runs, serverDescription, String.join(" ", commandLine()));
        System.out.println();
        System.out.print(report.table());
        report.write(dir);
        System.out.println("report: " + dir.toAbsolutePath().resolve("report.html"));
        return 0;
    }

    private List<String> commandLine() {
        List<String> line = new ArrayList<>(List.of("bench"));
        line.addAll(List.of(args));
        return line;
    }

    private ServerTarget startServer(Path dir) throws Exception {
        if (url != null) return ServerTarget.url(url);
        if (serverMode.equals("in-process")) return ServerTarget.inProcess();
        if (!serverMode.equals("child")) throw new IllegalArgumentException("--server is child or in-process");
        List<String> jvm = new ArrayList<>(List.of(serverJvm.trim().split("\\s+")));
        jvm.removeIf(String::isEmpty);
        if (serverJfr != null) {
            jvm.add("-XX:StartFlightRecording=filename=" + serverJfr.toAbsolutePath() + ",settings=profile,dumponexit=true");
        }
        return ServerTarget.child(jvm, dir.resolve("server.log"), serverRedis == null ? List.of() : List.of("--redis=" + serverRedis));
    }

    /** Medians per workload, transport and metric. */
    static Map<String, Map<String, Map<String, Double>>> medians(List<Run> runs) {
        Map<String, Map<String, Map<String, List<Double>>>> values = new LinkedHashMap<>();
        for (Run r : runs) {
            var byMetric = values.computeIfAbsent(r.workload(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.transport(), k -> new LinkedHashMap<>());
            r.metrics().forEach((k, v) -> byMetric.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        Map<String, Map<String, Map<String, Double>>> out = new LinkedHashMap<>();
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
