package io.cometbridge.samples.bench;

import io.cometbridge.samples.bench.load.Target;

import java.util.List;
import java.util.Locale;

/**
 * The table and report sections of the scale-out comparison ({@code --scale-out}): the bridge as
 * one node in memory, one node on Redis and two nodes on Redis, measured in the same run; absolute
 * medians and the ratios of each Redis deployment to the single node in memory.
 */
final class ScaleOutReport {
    private static final List<Target.Sys> SYSTEMS = Target.Sys.SCALE_OUT;

    static final List<Report.Row> ROWS = List.of(
            row("echo", "throughput", "round trips/s", "", 0, true),
            row("echo", "throughputPerNode", "round trips/s per node", "", 0, true),
            row("echo", "serverCpuUsPerMsg", "server CPU per round trip, nodes + Redis", "µs", 1, false),
            row("echo", "nodeCpuUsPerMsg", "  of which the node JVM(s)", "µs", 1, false),
            row("echo", "redisCpuUsPerMsg", "  of which redis-server", "µs", 1, false),
            row("echo", "latencyP50Ms", "latency p50", "ms", 2, false),
            row("echo", "latencyP99Ms", "latency p99", "ms", 2, false),
            row("echo", "latencyP999Ms", "latency p99.9", "ms", 2, false),
            row("echo", "sessionsLost", "sessions lost", "", 0, false),
            row("echo", "serverCpuPercent", "server CPU, nodes + Redis", "% core", 0, false),
            row("echo", "redisCpuPercent", "  of which redis-server", "% core", 0, false),
            row("echo", "loadgenCpuPercent", "load generator CPU", "% core", 0, false),

            row("fanout", "throughput", "deliveries/s", "", 0, true),
            row("fanout", "throughputPerNode", "deliveries/s per node", "", 0, true),
            row("fanout", "serverCpuUsPerMsg", "server CPU per delivery, nodes + Redis", "µs", 2, false),
            row("fanout", "nodeCpuUsPerMsg", "  of which the node JVM(s)", "µs", 2, false),
            row("fanout", "redisCpuUsPerMsg", "  of which redis-server", "µs", 2, false),
            row("fanout", "latencyP50Ms", "delivery latency p50", "ms", 1, false),
            row("fanout", "latencyP99Ms", "delivery latency p99", "ms", 1, false),
            row("fanout", "latencyP999Ms", "delivery latency p99.9", "ms", 1, false),
            row("fanout", "lost", "messages lost", "", 0, false),
            row("fanout", "sessionsLost", "sessions lost", "", 0, false),
            row("fanout", "serverCpuPercent", "server CPU, nodes + Redis", "% core", 0, false),
            row("fanout", "redisCpuPercent", "  of which redis-server", "% core", 0, false),
            row("fanout", "loadgenCpuPercent", "load generator CPU", "% core", 0, false));

    /** The workloads the comparison runs. */
    static final List<String> WORKLOADS = List.of("echo", "fanout");

    private static Report.Row row(String workload, String metric, String title, String unit, int decimals, boolean higherIsBetter) {
        return new Report.Row(workload, metric, title, unit, decimals, higherIsBetter);
    }

    private final Bench.Settings settings;
    private final ReportCharts.Figures figures;
    private final java.util.function.Function<String, String> heading;

    ScaleOutReport(Bench.Settings settings, ReportCharts.Figures figures, java.util.function.Function<String, String> heading) {
        this.settings = settings;
        this.figures = figures;
        this.heading = heading;
    }

    private boolean hasGroup(String workload, String transport) {
        return SYSTEMS.stream().anyMatch(s -> figures.value(workload, new Target(s, transport), "throughput") != null);
    }

    private Double[] values(Report.Row r, String transport) {
        Double[] v = new Double[SYSTEMS.size()];
        for (int i = 0; i < v.length; i++) v[i] = figures.value(r.workload(), new Target(SYSTEMS.get(i), transport), r.metric());
        return v;
    }

    /** A deployment's figure ÷ the single node in memory's. */
    private static String ratio(Double v, Double memory) {
        return v == null || memory == null || memory == 0 ? "-" : Report.format(v / memory, 2);
    }

    String table() {
        StringBuilder b = new StringBuilder();
        for (String w : settings.workloads) {
            for (String t : Target.TRANSPORTS) {
                if (!hasGroup(w, t)) continue;
                b.append('\n').append(heading.apply(w)).append(" — ").append(t).append(", the bridge on 1 node in memory, 1 node on Redis, 2 nodes on Redis\n");
                b.append(String.format(Locale.ROOT, "  %-48s %11s %13s %13s %11s %11s%n", "", "memory", "redis 1 node", "redis 2 nodes",
                        "1 node÷mem", "2 nodes÷mem"));
                for (Report.Row r : ROWS) {
                    if (!r.workload().equals(w)) continue;
                    Double[] v = values(r, t);
                    b.append(String.format(Locale.ROOT, "  %-48s %11s %13s %13s %11s %11s%n", r.title() + (r.unit().isEmpty() ? "" : " (" + r.unit() + ")"),
                            show(v[0], r), show(v[1], r), show(v[2], r), ratio(v[1], v[0]), ratio(v[2], v[0])));
                }
            }
        }
        return b.toString();
    }

    private static String show(Double v, Report.Row r) {
        return v == null ? "-" : Report.format(v, r.decimals());
    }

    /** The report's sections: per workload and transport, the table and its charts. */
    String html() {
        ReportCharts charts = new ReportCharts(figures, SYSTEMS);
        StringBuilder h = new StringBuilder();
        h.append("<p>Scale-out comparison: <b>bridge</b> = one node, sessions in memory; <b>bridge-redis</b> = one node with ")
                .append("<code>--redis</code>; <b>bridge-2nodes</b> = two nodes on the same Redis, the load generator's clients ")
                .append("alternating between them. Server CPU = the node JVMs' CPU + redis-server's CPU.</p>\n");
        for (String w : settings.workloads) {
            for (String t : Target.TRANSPORTS) {
                if (!hasGroup(w, t)) continue;
                h.append("<h2>").append(Report.esc(heading.apply(w))).append(" — ").append(t).append("</h2>\n<table><tr><th></th>");
                for (Target.Sys s : SYSTEMS) h.append("<th>").append(s.id).append("</th>");
                h.append("<th>bridge-redis ÷ bridge</th><th>bridge-2nodes ÷ bridge</th></tr>\n");
                for (Report.Row r : ROWS) {
                    if (!r.workload().equals(w)) continue;
                    Double[] v = values(r, t);
                    h.append("<tr><td>").append(Report.esc(r.title().trim())).append(r.unit().isEmpty() ? "" : " (" + Report.esc(r.unit()) + ")").append("</td>");
                    for (Double x : v) h.append("<td>").append(show(x, r)).append("</td>");
                    h.append("<td>").append(ratio(v[1], v[0])).append("</td><td>").append(ratio(v[2], v[0])).append("</td></tr>\n");
                }
                h.append("</table>\n<div class=\"charts\">\n").append(charts.latencyChart(w, t));
                for (Report.Row r : ROWS) {
                    if (r.workload().equals(w) && (r.metric().startsWith("throughput") || r.metric().endsWith("UsPerMsg"))) {
                        h.append(charts.barChart(r, t));
                    }
                }
                h.append("</div>\n");
            }
        }
        return h.toString();
    }
}
