package io.cometbridge.samples.bench;

import io.cometbridge.samples.bench.load.Target;

import java.util.List;
import java.util.function.UnaryOperator;

import static io.cometbridge.samples.bench.Report.NONE;

/**
 * What the table shows for each workload, in its order: every metric's title, unit and precision,
 * and the targets for it (ratios bridge ÷ peer, or an absolute bound).
 */
final class ReportRows {
    private ReportRows() {
    }

    static final List<Report.Row> ALL = concat(List.of(
            new Report.Row("echo", "throughput", "round trips/s", "", 0, true, 1, 1, NONE, null),
            new Report.Row("echo", "serverCpuUsPerMsg", "server CPU per round trip", "µs", 1, false, 0.8, 0.5, NONE, null),
            new Report.Row("echo", "jitCpuUsPerMsg", "of which JIT compilers", "µs", 1, false),
            new Report.Row("echo", "gcCpuUsPerMsg", "of which garbage collector", "µs", 1, false),
            new Report.Row("echo", "latencyP50Ms", "latency p50", "ms", 2, false),
            new Report.Row("echo", "latencyP99Ms", "latency p99", "ms", 2, false, 1, 1, NONE, null),
            new Report.Row("echo", "latencyP999Ms", "latency p99.9", "ms", 2, false),
            new Report.Row("echo", "wireUpPerMsg", "wire bytes up per round trip", "B", 0, false, NONE, NONE, 250, Target.POLLING),
            new Report.Row("echo", "wireDownPerMsg", "wire bytes down per round trip", "B", 0, false, NONE, NONE, 250, Target.POLLING),
            new Report.Row("echo", "sessionsLost", "sessions lost", "", 0, false),
            new Report.Row("echo", "connectFailures", "connects failed", "", 0, false),
            new Report.Row("echo", "serverCpuPercent", "server CPU", "% core", 0, false),
            new Report.Row("echo", "loadgenCpuPercent", "load generator CPU", "% core", 0, false),

            new Report.Row("fanout", "throughput", "deliveries/s", "", 0, true),
            new Report.Row("fanout", "serverCpuUsPerMsg", "server CPU per delivery", "µs", 2, false),
            new Report.Row("fanout", "jitCpuUsPerMsg", "of which JIT compilers", "µs", 2, false),
            new Report.Row("fanout", "gcCpuUsPerMsg", "of which garbage collector", "µs", 2, false),
            new Report.Row("fanout", "latencyP50Ms", "delivery latency p50", "ms", 1, false),
            new Report.Row("fanout", "latencyP99Ms", "delivery latency p99", "ms", 1, false, 1, NONE, NONE, null),
            new Report.Row("fanout", "latencyP999Ms", "delivery latency p99.9", "ms", 1, false),
            new Report.Row("fanout", "lost", "messages lost", "", 0, false, NONE, NONE, 0, null),
            new Report.Row("fanout", "wireDownPerMsg", "wire bytes down per delivery", "B", 0, false),
            new Report.Row("fanout", "wireUpPerMsg", "wire bytes up per delivery", "B", 1, false),
            new Report.Row("fanout", "sessionsLost", "sessions lost", "", 0, false),
            new Report.Row("fanout", "connectFailures", "connects failed", "", 0, false),
            new Report.Row("fanout", "serverCpuPercent", "server CPU", "% core", 0, false),
            new Report.Row("fanout", "loadgenCpuPercent", "load generator CPU", "% core", 0, false),

            new Report.Row("idle", "memoryPerSessionBytes", "memory per session (RSS growth)", "B", 0, false, 1, NONE, NONE, null),
            new Report.Row("idle", "serverCpuUsPerSessionSec", "server CPU per session", "µs/s", 2, false),
            new Report.Row("idle", "wireUpPerSessionMin", "wire bytes up per session", "B/min", 0, false),
            new Report.Row("idle", "wireDownPerSessionMin", "wire bytes down per session", "B/min", 0, false),
            new Report.Row("idle", "serverRssMB", "server RSS with all sessions", "MB", 0, false),
            new Report.Row("idle", "sessionsLost", "sessions lost", "", 0, false),
            new Report.Row("idle", "connectFailures", "connects failed", "", 0, false),
            new Report.Row("idle", "serverCpuPercent", "server CPU", "% core", 1, false),
            new Report.Row("idle", "loadgenCpuPercent", "load generator CPU", "% core", 1, false)),
            storm("fresh server: ", key -> key),
            storm("second storm: ", Workloads::secondStorm),
            List.of(new Report.Row("connect", "wireUpPerMsg", "wire bytes up per connect", "B", 0, false),
                    new Report.Row("connect", "wireDownPerMsg", "wire bytes down per connect", "B", 0, false),
                    new Report.Row("connect", "sessionsLost", "sessions lost", "", 0, false),
                    new Report.Row("connect", "connectFailures", "connects failed", "", 0, false)));

    /**
     * The rows of one connect storm: titles start with {@code title}, and each figure's key is
     * {@code key} applied to the fresh storm's ({@link Workloads#secondStorm} for the second).
     */
    private static List<Report.Row> storm(String title, UnaryOperator<String> key) {
        return List.of(
                new Report.Row("connect", key.apply("connectSeconds"), title + "time for all connects", "s", 2, false, 1, NONE, NONE, Target.WEBSOCKET),
                new Report.Row("connect", key.apply("throughput"), title + "connects/s", "", 0, true),
                new Report.Row("connect", key.apply("latencyP50Ms"), title + "connect time p50", "ms", 1, false),
                new Report.Row("connect", key.apply("latencyP99Ms"), title + "connect time p99", "ms", 1, false),
                new Report.Row("connect", key.apply("latencyP999Ms"), title + "connect time p99.9", "ms", 1, false),
                new Report.Row("connect", key.apply("serverCpuUsPerMsg"), title + "server CPU per connect", "µs", 0, false),
                new Report.Row("connect", key.apply("jitCpuUsPerMsg"), title + "of which JIT compilers", "µs", 0, false),
                new Report.Row("connect", key.apply("gcCpuUsPerMsg"), title + "of which garbage collector", "µs", 0, false),
                new Report.Row("connect", key.apply("serverCpuPercent"), title + "server CPU", "% core", 0, false),
                new Report.Row("connect", key.apply("loadgenCpuPercent"), title + "load generator CPU", "% core", 0, false));
    }

    @SafeVarargs
    private static List<Report.Row> concat(List<Report.Row>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
    }
}
