package io.cometbridge.samples.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark end to end with tiny counts, against the real servers: Comet Bridge, Socket.IO
 * (Node; {@code npm ci} runs when node_modules is missing) and CometD (built with Maven when its jar
 * is missing). Proves each protocol adapter speaks its protocol (echoes come back, every broadcast
 * arrives) and the outputs are well-formed. No performance assertions. Fails, not skips, without
 * node and npm (scripts/install-test-deps.sh installs them).
 */
class BenchSmokeTest {
    private static final List<String> TARGETS = List.of("bridge/websocket", "bridge/polling", "socketio/websocket",
            "socketio/polling", "cometd/websocket", "cometd/polling");
    /** Quick-starting server JVMs: the smoke run starts a dozen of them. */
    private static final String FAST_JVM = "--server-jvm=-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    @Test
    void echoAndFanOutWorkAgainstEverySystemAndTransport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        int code = Bench.run("--quick", "--workloads=echo,fanout", "--clients=2", "--fanout-clients=3", "--rate=20",
                "--warmup=0.3", "--duration=0.5", "--drain=5", "--repeat=1", FAST_JVM, "--out=" + out);
        assertThat(code).as("exit code (failed runs are listed in the table)").isZero();

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertThat(json.getAsJsonArray("runs")).hasSize(12); // 2 workloads x 3 systems x 2 transports
        JsonObject medians = json.getAsJsonObject("medians");
        for (String t : TARGETS) {
            JsonObject echo = medians.getAsJsonObject("echo").getAsJsonObject(t);
            assertThat(echo.get("throughput").getAsDouble()).as(t + " echo round trips/s").isPositive();
            assertThat(echo.get("wireUpPerMsg").getAsDouble()).as(t + " wire bytes up").isPositive();
            assertThat(echo.get("wireDownPerMsg").getAsDouble()).as(t + " wire bytes down").isPositive();
            assertThat(echo.get("sessionsLost").getAsDouble()).as(t + " echo sessions lost").isZero();
            JsonObject fan = medians.getAsJsonObject("fanout").getAsJsonObject(t);
            assertThat(fan.get("throughput").getAsDouble()).as(t + " deliveries/s").isPositive();
            assertThat(fan.get("lost").getAsDouble()).as(t + " fan-out messages lost").isZero();
            assertThat(fan.get("latencySamples").getAsDouble()).as(t + " fan-out latency samples").isPositive();
            assertThat(fan.get("serverCpuPercent").getAsDouble()).as(t + " server CPU from /proc").isNotNegative();
        }

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv.get(0)).isEqualTo("workload,system,transport,run,load_avg_before,load_avg_after,metric,value");
        assertThat(csv).hasSizeGreaterThan(100).allSatisfy(line -> assertThat(line.split(",", -1)).hasSize(8));
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("round trips/s").endsWith("</html>\n")
                .doesNotContain("http://cdn").doesNotContain("<script src");
        assertThat(Files.readString(out.resolve("table.txt"))).contains("b÷sio", "b÷cometd", "socketio", "cometd");
    }

    /**
     * {@code --scale-out}: the bridge on one node in memory, one node on a redis-server the benchmark
     * starts, and two nodes on one; every echo arrives on both transports (clients of the second node
     * send that node's origin, or it would refuse them), and Redis's CPU is read beside the nodes'.
     * Echo only: eight server JVMs already (fan-out across nodes: ScaleOutTest's rooms).
     */
    @Test
    @org.junit.jupiter.api.Timeout(240)
    void scaleOutComparesOneNodeInMemoryWithOneAndTwoNodesOnRedis(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        int code = Bench.run("--scale-out", "--quick", "--workloads=echo", "--clients=4",
                "--warmup=0.3", "--duration=0.5", "--repeat=1", FAST_JVM, "--out=" + out);
        assertThat(code).as("exit code (failed runs are listed in the table)").isZero();

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertThat(json.getAsJsonArray("runs")).hasSize(6); // 3 deployments x 2 transports
        JsonObject medians = json.getAsJsonObject("medians");
        for (String system : List.of("bridge", "bridge-redis", "bridge-2nodes")) {
            for (String transport : List.of("websocket", "polling")) {
                String t = system + "/" + transport;
                int nodes = system.equals("bridge-2nodes") ? 2 : 1;
                JsonObject m = medians.getAsJsonObject("echo").getAsJsonObject(t);
                assertThat(m.get("throughput").getAsDouble()).as(t).isPositive();
                assertThat(m.get("throughputPerNode").getAsDouble()).as(t + " per node")
                        .isCloseTo(m.get("throughput").getAsDouble() / nodes, org.assertj.core.data.Offset.offset(1e-6));
                assertThat(m.get("sessionsLost").getAsDouble()).as(t + " sessions lost").isZero();
                assertThat(m.has("redisCpuUsPerMsg")).as(t + " redis-server CPU read").isEqualTo(!system.equals("bridge"));
                assertThat(m.get("nodeCpuUsPerMsg").getAsDouble()).as(t + " nodes' CPU").isNotNegative();
            }
        }
        assertThat(Files.readString(out.resolve("table.txt"))).contains("memory", "redis 2 nodes", "2 nodes÷mem", "of which redis-server");
        assertThat(Files.readString(out.resolve("report.html"))).contains("bridge-2nodes ÷ bridge", "<svg", "round trips/s per node");
        try (var logs = Files.list(out.resolve("servers"))) {
            assertThat(logs.map(p -> p.getFileName().toString())).contains("echo-bridge-2nodes-websocket-1-node2.log",
                    "echo-bridge-2nodes-websocket-1-redis.log");
        }
    }

    /**
     * {@code polling-h2}: the bridge's and CometD's long-polling over h2c by prior knowledge (Socket.IO
     * is not run on it); HPACK makes each round trip's requests far smaller than over HTTP/1.1.
     */
    @Test
    void pollingOverHttp2RunsAgainstTheBridgeAndCometd(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        int code = Bench.run("--quick", "--workloads=echo", "--systems=bridge,cometd", "--transports=polling,polling-h2", "--clients=2",
                "--warmup=0.3", "--duration=0.5", "--repeat=1", FAST_JVM, "--out=" + out);
        assertThat(code).isZero();
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertThat(json.getAsJsonArray("runs")).hasSize(4);
        JsonObject echo = json.getAsJsonObject("medians").getAsJsonObject("echo");
        assertThat(io.cometbridge.samples.bench.load.Target.all(List.of(io.cometbridge.samples.bench.load.Target.Sys.values()),
                List.of("polling-h2"))).extracting(Object::toString).containsExactly("bridge/polling-h2", "cometd/polling-h2",
                "bridge-redis/polling-h2", "bridge-2nodes/polling-h2");
        for (String sys : List.of("bridge", "cometd")) {
            JsonObject h2 = echo.getAsJsonObject(sys + "/polling-h2");
            assertThat(h2.get("throughput").getAsDouble()).as(sys).isPositive();
            assertThat(h2.get("sessionsLost").getAsDouble()).as(sys).isZero();
            assertThat(h2.get("wireUpPerMsg").getAsDouble()).as(sys + " bytes up over h2c vs HTTP/1.1")
                    .isPositive().isLessThan(echo.getAsJsonObject(sys + "/polling").get("wireUpPerMsg").getAsDouble());
        }
        assertThat(Files.readString(out.resolve("table.txt"))).contains("— polling-h2");
    }

    @Test
    void idleAndConnectStormWorkloadsRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        int code = Bench.run("--quick", "--workloads=idle,connect", "--systems=bridge", "--idle-sessions=3", "--idle-seconds=0.5",
                "--connects=5", "--connect-parallel=5", "--warmup=0.3", "--repeat=1", FAST_JVM, "--out=" + out);
        assertThat(code).isZero();
        JsonObject medians = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject()
                .getAsJsonObject("medians");
        for (String t : List.of("bridge/websocket", "bridge/polling")) {
            JsonObject idle = medians.getAsJsonObject("idle").getAsJsonObject(t);
            assertThat(idle.get("sessionsLost").getAsDouble()).as(t).isZero();
            assertThat(idle.has("memoryPerSessionBytes")).isTrue();
            // 0.5 s sees no poll renewal or heartbeat: the per-session overhead is left out, not reported as 0.
            assertThat(idle.has("wireUpPerSessionMin")).as(t).isFalse();
            assertThat(idle.has("serverCpuUsPerSessionSec")).as(t).isFalse();
            JsonObject connect = medians.getAsJsonObject("connect").getAsJsonObject(t);
            assertThat(connect.get("connectSeconds").getAsDouble()).as(t).isPositive();
            assertThat(connect.get("latencySamples").getAsDouble()).as(t).isEqualTo(5);
            // The second storm, on the server the first one warmed: as many connects, measured alike.
            assertThat(connect.get("secondConnectSeconds").getAsDouble()).as(t).isPositive();
            assertThat(connect.get("secondLatencySamples").getAsDouble()).as(t).isEqualTo(5);
            assertThat(connect.get("sessionsLost").getAsDouble()).as(t).isZero();
            // The bridge is a JVM: its JIT compilers' and its collector's shares of each storm's CPU are read (zero or more).
            for (String key : List.of("jitCpuUsPerMsg", "secondJitCpuUsPerMsg", "gcCpuUsPerMsg", "secondGcCpuUsPerMsg")) {
                assertThat(connect.get(key).getAsDouble()).as(t + " " + key).isGreaterThanOrEqualTo(0);
            }
        }
        assertThat(Files.readString(out.resolve("table.txt"))).contains("second storm: time for all connects");
        assertThat(Files.readString(out.resolve("table.txt"))).contains("per-session idle overhead (CPU, wire bytes) not measured");
    }

    @Test
    void helpDescribesTheOptions() {
        var out = new java.io.ByteArrayOutputStream();
        var old = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            assertThat(Bench.run("--help")).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString()).contains("--quick", "--workloads", "--systems", "--transports", "--out", "--repeat");
    }
}
