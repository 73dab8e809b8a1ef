package io.cometbridge.samples.bench;

import io.cometbridge.samples.bench.load.Target;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Ratios, medians and target verdicts of the table, on made-up runs. */
class ReportTest {

    private static Bench.Run run(Target.Sys sys, String transport, int index, double cpu, double p99) {
        return new Bench.Run("echo", new Target(sys, transport), index, 1, 0.5, 0.6, null,
                Map.of("throughput", 1000.0, "serverCpuUsPerMsg", cpu, "latencyP99Ms", p99, "wireUpPerMsg", 300.0, "wireDownPerMsg", 200.0));
    }

    @Test
    void tableShowsMediansRatiosAndVerdicts() {
        Bench.Settings s = new Bench().settings();
        s.workloads = List.of("echo");
        s.repeat = 3;
        List<Bench.Run> runs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            runs.add(run(Target.Sys.BRIDGE, Target.POLLING, i, 10 * i, 5));       // median 20
            runs.add(run(Target.Sys.SOCKETIO, Target.POLLING, i, 20 + i, 4));     // median 22
            runs.add(run(Target.Sys.COMETD, Target.POLLING, i, 50, 10));          // median 50
        }
        runs.add(new Bench.Run("echo", new Target(Target.Sys.BRIDGE, Target.POLLING), 4, 1, 0, 0, "boom", Map.of()));
        String table = new Report(s, runs, Map.of(), "bench").table();

        assertThat(table).contains("echo: 100 clients").contains("— polling");
        String cpu = line(table, "server CPU per round trip");
        assertThat(cpu).contains("20.0", "22.0", "50.0", "0.91", "0.40")
                .contains("≤0.8× sio MISSED").contains("≤0.5× cometd met");
        assertThat(line(table, "latency p99 ")).contains("≤1× sio MISSED", "≤1× cometd met");
        assertThat(line(table, "wire bytes up")).contains("≤ 250 B MISSED");
        assertThat(line(table, "wire bytes down")).contains("≤ 250 B met");
        assertThat(table).contains("Failed runs").contains("boom");
    }

    @Test
    void aReportReadBackFromItsJsonHasTheSameTable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Bench.Settings s = new Bench().settings();
        s.workloads = List.of("echo");
        List<Bench.Run> runs = List.of(run(Target.Sys.BRIDGE, Target.WEBSOCKET, 1, 10, 2), run(Target.Sys.SOCKETIO, Target.WEBSOCKET, 1, 12, 3));
        Report report = new Report(s, runs, Map.of(Target.Sys.BRIDGE, "b", Target.Sys.SOCKETIO, "s"), "bench --x");
        report.write(dir);
        assertThat(Report.fromJson(dir.resolve("results.json")).table()).isEqualTo(report.table());
    }

    @Test
    void scaleOutTableComparesEachDeploymentWithOneNodeInMemoryAndSurvivesItsJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Bench.Settings s = new Bench().settings();
        s.workloads = List.of("echo");
        s.scaleOut = true;
        List<Bench.Run> runs = List.of(
                scaleOutRun(Target.Sys.BRIDGE, 4000, 40, Double.NaN),
                scaleOutRun(Target.Sys.BRIDGE_REDIS, 2000, 90, 10),
                scaleOutRun(Target.Sys.BRIDGE_TWO_NODES, 3000, 100, 20));
        Report report = new Report(s, runs, Map.of(Target.Sys.BRIDGE, "b"), "bench --scale-out");
        String table = report.table();
        assertThat(line(table, "round trips/s per node")).contains("4,000", "2,000", "1,500", "0.50", "0.38");
        assertThat(line(table, "server CPU per round trip, nodes + Redis")).contains("40.0", "100.0", "120.0", "2.50", "3.00");
        assertThat(line(table, "of which redis-server (µs)")).contains("10.0", "20.0");
        assertThat(table).doesNotContain("socketio").doesNotContain("MISSED");
        report.write(dir);
        assertThat(Report.fromJson(dir.resolve("results.json")).table()).isEqualTo(table);
        assertThat(java.nio.file.Files.readString(dir.resolve("report.html"))).contains("bridge-2nodes ÷ bridge", "one node vs several");
    }

    /** A scale-out echo run: the nodes' CPU and Redis's (NaN: no Redis) per round trip, server CPU their sum. */
    private static Bench.Run scaleOutRun(Target.Sys sys, double throughput, double nodeCpu, double redisCpu) {
        Map<String, Double> m = new java.util.HashMap<>(Map.of("throughput", throughput, "throughputPerNode", throughput / sys.nodes(),
                "nodeCpuUsPerMsg", nodeCpu, "serverCpuUsPerMsg", nodeCpu + (Double.isNaN(redisCpu) ? 0 : redisCpu)));
        if (!Double.isNaN(redisCpu)) m.put("redisCpuUsPerMsg", redisCpu);
        return new Bench.Run("echo", new Target(sys, Target.WEBSOCKET), 1, 1, 0.5, 0.6, null, m);
    }

    @Test
    void runsWithoutLatencySamplesAreLeftOutOfTheLatencyMedians() {
        Target t = new Target(Target.Sys.COMETD, Target.POLLING);
        List<Bench.Run> runs = List.of(
                new Bench.Run("fanout", t, 1, 1, 0, 0, null, Map.of("latencyP99Ms", 100.0, "latencySamples", 10.0, "lost", 0.0)),
                new Bench.Run("fanout", t, 2, 1, 0, 0, null, Map.of("latencyP99Ms", 0.0, "latencySamples", 0.0, "lost", 5.0)),
                new Bench.Run("fanout", t, 3, 1, 0, 0, null, Map.of("latencyP99Ms", Double.NaN, "latencySamples", 0.0, "lost", 7.0)));
        Map<String, Double> m = Bench.medians(runs).get("fanout").get(t);
        assertThat(m.get("latencyP99Ms")).isEqualTo(100.0);
        assertThat(m.get("lost")).isEqualTo(5.0);
    }

    private static String line(String table, String start) {
        return table.lines().filter(l -> l.trim().startsWith(start)).findFirst().orElseThrow();
    }
}
