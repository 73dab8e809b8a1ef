package io.cometbridge.samples.bench.gateway;

import io.cometbridge.api.TransportKind;
import io.cometbridge.samples.Main;
import io.cometbridge.samples.RunningServer;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * What gateway mode costs: the same echo workload against an existing WebSocket service reached
 * directly and through the gateway (over WebSocket and over long-polling), in one run, phases
 * interleaved. Reports round trips per second, latency p50/p99, and CPU per relayed message of
 * the service and of the gateway, each in its own JVM (docs/BENCHMARK.md, "Gateway mode").
 *
 * <pre>java -cp samples/target/comet-bridge.jar io.cometbridge.samples.bench.gateway.GatewayBench</pre>
 */
@Command(name = "gateway-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Gateway mode's cost: echo through the gateway vs straight to the service, same run.")
public final class GatewayBench implements Callable<Integer> {
    static final List<String> TARGETS = List.of("direct", "gateway-websocket", "gateway-polling");

    @Option(names = {"-c", "--clients"}, defaultValue = "50", description = "Clients in a closed loop (default ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--payload", defaultValue = "64", description = "Message size in characters (default ${DEFAULT-VALUE}).")
    int payload;
    @Option(names = "--warmup", defaultValue = "3", description = "Seconds before measuring, per phase (default ${DEFAULT-VALUE}).")
    double warmup;
    @Option(names = {"-d", "--duration"}, defaultValue = "10", description = "Seconds measured per phase (default ${DEFAULT-VALUE}).")
    double duration;
    @Option(names = {"-r", "--repeat"}, defaultValue = "3", description = "Rounds of all targets; the table shows medians (default ${DEFAULT-VALUE}).")
    int repeat;
    @Option(names = "--targets", split = ",", description = "Of direct,gateway-websocket,gateway-polling (default all).")
    List<String> targets = TARGETS;
    @Option(names = "--jvm", defaultValue = "-Xms1g -Xmx1g -XX:+UseG1GC", description = "JVM options of the service and the gateway (default '${DEFAULT-VALUE}').")
    String jvm;
    @Option(names = "--in-process", description = "Service and gateway in this JVM (tests: CPU figures are then the whole JVM's).")
    boolean inProcess;
    @Option(names = {"-o", "--out"}, description = "Also write the table (Markdown) to this file.")
    Path out;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new GatewayBench()).execute(args);
    }

    /** One measured phase. */
    record Phase(String target, double roundTripsPerSec, double p50Micros, double p99Micros, double serviceCpuMicrosPerMsg,
                 double gatewayCpuMicrosPerMsg) {
    }

    @Override
    public Integer call() throws Exception {
        for (String t : targets) if (!TARGETS.contains(t)) throw new CommandLine.ParameterException(new CommandLine(this), "unknown target " + t);
        Path logs = Files.createTempDirectory("gateway-bench-");
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "gateway-bench");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool).build();
        List<Phase> phases = new ArrayList<>();
        try (Processes p = inProcess ? Processes.inProcess() : Processes.children(List.of(jvm.trim().split("\\s+")), logs)) {
            System.err.println("service " + p.service + ", gateway " + p.bridge + (inProcess ? " (in process)" : ""));
            for (int r = 1; r <= repeat; r++) {
                for (String target : targets) {
                    try (EchoLoop loop = switch (target) {
                        case "direct" -> EchoLoop.direct(p.service, clients, payload, http);
                        case "gateway-websocket" -> EchoLoop.bridge(p.bridge, TransportKind.WEBSOCKET, clients, payload, http, pool);
                        default -> EchoLoop.bridge(p.bridge, TransportKind.POLLING, clients, payload, http, pool);
                    }) {
                        Phase phase = measure(target, loop, p);
                        phases.add(phase);
                        System.err.printf(Locale.ROOT, "[%d/%d] %-18s %8.0f rt/s  p50 %6.0f µs  p99 %6.0f µs  CPU/msg service %5.1f µs gateway %5.1f µs%n",
                                r, repeat, target, phase.roundTripsPerSec, phase.p50Micros, phase.p99Micros,
                                phase.serviceCpuMicrosPerMsg, phase.gatewayCpuMicrosPerMsg);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        String table = table(phases);
        System.out.print(table);
        if (out != null) Files.writeString(out, table);
        return 0;
    }

    private Phase measure(String target, EchoLoop loop, Processes p) throws InterruptedException {
        Thread.sleep(Math.round(warmup * 1000));
        loop.interval();
        long n0 = loop.completed(), s0 = p.serviceCpu.getAsLong(), g0 = p.gatewayCpu.getAsLong(), t0 = System.nanoTime();
        Thread.sleep(Math.round(duration * 1000));
        long n = Math.max(1, loop.completed() - n0);
        double secs = (System.nanoTime() - t0) / 1e9;
        Histogram h = loop.interval();
        long messages = 2 * n; // every round trip is one message each way: what the gateway relays
        double service = (p.serviceCpu.getAsLong() - s0) / 1e3 / messages;
        double gateway = target.equals("direct") ? 0 : (p.gatewayCpu.getAsLong() - g0) / 1e3 / messages;
        return new Phase(target, n / secs, h.getValueAtPercentile(50), h.getValueAtPercentile(99), service, gateway);
    }

    /** Medians per target, and the gateway's cost against direct. */
    static String table(List<Phase> phases) {
        Map<String, List<Phase>> by = new LinkedHashMap<>();
        for (Phase p : phases) by.computeIfAbsent(p.target, k -> new ArrayList<>()).add(p);
        StringBuilder s = new StringBuilder("| target | round trips/s | p50 µs | p99 µs | service CPU µs/msg | gateway CPU µs/msg | added p50 / p99 µs |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        List<Phase> direct = by.get("direct");
        for (Map.Entry<String, List<Phase>> e : by.entrySet()) {
            List<Phase> l = e.getValue();
            double p50 = median(l, Phase::p50Micros), p99 = median(l, Phase::p99Micros);
            String added = direct == null || e.getKey().equals("direct") ? "-"
                    : String.format(Locale.ROOT, "%+.0f / %+.0f", p50 - median(direct, Phase::p50Micros), p99 - median(direct, Phase::p99Micros));
            s.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.1f | %.1f | %s |%n", e.getKey(), median(l, Phase::roundTripsPerSec),
                    p50, p99, median(l, Phase::serviceCpuMicrosPerMsg), median(l, Phase::gatewayCpuMicrosPerMsg), added));
        }
        return s.toString();
    }

    private static double median(List<Phase> l, java.util.function.ToDoubleFunction<Phase> f) {
        double[] v = l.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The service and the gateway in front of it, with their CPU clocks. */
    private static final class Processes implements AutoCloseable {
        URI service;
        URI bridge;
        LongSupplier serviceCpu;
        LongSupplier gatewayCpu;
        final List<AutoCloseable> parts = new ArrayList<>();

        static Processes children(List<String> jvm, Path logs) throws Exception {
            Processes p = new Processes();
            try {
                ChildJvm echo = new ChildJvm(jvm, EchoService.class.getName(), List.of(),
                        Pattern.compile(EchoService.READY + " (\\S+)"), logs.resolve("service.log"));
                p.parts.add(echo);
                p.service = URI.create(echo.ready.group(1));
                ChildJvm gateway = new ChildJvm(jvm, Main.class.getName(), List.of("--port", "0", "--upstream", p.service.toString(),
                        "--new-sessions-per-second", "100000", "--new-session-burst", "100000"),
                        Pattern.compile("bridge at (\\S+)"), logs.resolve("gateway.log"));
                p.parts.add(0, gateway); // stopped first: its sessions end before the service does
                p.bridge = URI.create(gateway.ready.group(1));
                p.serviceCpu = echo::cpuNanos;
                p.gatewayCpu = gateway::cpuNanos;
                return p;
            } catch (Exception e) {
                p.close();
                throw e;
            }
        }

        static Processes inProcess() throws Exception {
            Processes p = new Processes();
            EchoService echo = new EchoService(0);
            p.parts.add(echo);
            p.service = echo.uri();
            RunningServer gateway = Main.start("--port", "0", "--upstream", p.service.toString(),
                    "--new-sessions-per-second", "100000", "--new-session-burst", "100000");
            p.parts.add(0, gateway);
            p.bridge = gateway.bridgeUri();
            LongSupplier jvmCpu = () -> ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
            p.serviceCpu = jvmCpu;
            p.gatewayCpu = jvmCpu;
            return p;
        }

        @Override
        public void close() throws Exception {
            for (AutoCloseable c : parts) c.close();
        }
    }
}
