package io.cometbridge.samples.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The side-by-side table, and the report files: report.html (inline SVG charts), results.json, results.csv. */
final class Report {
    /** A row of the table: a metric, how to show it, and the target per transport (NaN: none). */
    record Row(String workload, String metric, String title, String unit, int decimals, boolean higherIsBetter,
               double targetWs, double targetPolling) {
        boolean hasTarget() {
            return !Double.isNaN(targetWs) || !Double.isNaN(targetPolling);
        }

        double target(String transport) {
            return transport.equals("websocket") ? targetWs : targetPolling;
        }
    }

    private static final double NONE = Double.NaN;
    static final List<Row> ROWS = List.of(
            new Row("echo", "roundTripsPerSec", "round trips/s", "", 0, true, 70_000, 16_000),
            new Row("echo", "serverCpuUsPerMsg", "server CPU per round trip", "µs", 1, false, 6, 25),
            new Row("echo", "latencyP50Ms", "latency p50", "ms", 2, false, NONE, NONE),
            new Row("echo", "latencyP99Ms", "latency p99", "ms", 2, false, 3, 20),
            new Row("echo", "latencyP999Ms", "latency p99.9", "ms", 2, false, NONE, NONE),
            new Row("echo", "wireUpPerMsg", "wire bytes up per round trip", "B", 0, false, 90, 250),
            new Row("echo", "wireDownPerMsg", "wire bytes down per round trip", "B", 0, false, 85, 250),
            new Row("echo", "httpRequestsPerMsg", "HTTP requests per round trip", "", 2, false, NONE, NONE),
            new Row("echo", "resentPerMsg", "messages sent again per round trip", "", 3, false, NONE, NONE),
            new Row("echo", "serverCpuPercent", "server CPU", "%", 0, false, NONE, NONE),
            new Row("echo", "clientCpuPercent", "load generator CPU", "%", 0, false, NONE, NONE),
            new Row("fanout", "deliveriesPerSec", "deliveries/s", "", 0, true, NONE, NONE),
            new Row("fanout", "latencyP50Ms", "delivery latency p50", "ms", 1, false, NONE, NONE),
            new Row("fanout", "latencyP99Ms", "delivery latency p99", "ms", 1, false, 20, 100),
            new Row("fanout", "latencyP999Ms", "delivery latency p99.9", "ms", 1, false, NONE, NONE),
            new Row("fanout", "lost", "messages lost", "", 0, false, 0, 0),
            new Row("fanout", "serverCpuUsPerMsg", "server CPU per delivery", "µs", 2, false, 3, 4),
            new Row("fanout", "wireDownPerMsg", "wire bytes down per delivery", "B", 0, false, NONE, NONE),
            new Row("fanout", "wireUpPerMsg", "wire bytes up per delivery", "B", 1, false, NONE, NONE),
            new Row("fanout", "httpRequestsPerMsg", "HTTP requests per delivery", "", 3, false, NONE, NONE),
            new Row("fanout", "serverCpuPercent", "server CPU", "%", 0, false, NONE, NONE),
            new Row("fanout", "clientCpuPercent", "load generator CPU", "%", 0, false, NONE, NONE),
            new Row("idle", "memoryPerSessionBytes", "memory per session (heap + native)", "B", 0, false, 12_288, 12_288),
            new Row("idle", "heapPerSessionBytes", "heap per session (after GC)", "B", 0, false, NONE, NONE),
            new Row("idle", "rssPerSessionBytes", "RSS growth per session", "B", 0, false, NONE, NONE),
            new Row("idle", "serverCpuUsPerSessionSec", "server CPU per session", "µs/s", 2, false, NONE, NONE),
            new Row("idle", "wireInPerSessionMin", "wire bytes up per session", "B/min", 0, false, NONE, NONE),
            new Row("idle", "wireOutPerSessionMin", "wire bytes down per session", "B/min", 0, false, NONE, NONE),
            new Row("idle", "httpRequestsPerSessionMin", "HTTP requests per session", "/min", 2, false, NONE, NONE));

    private final Bench.Settings settings;
    private final List<Bench.Run> runs;
    private final String server;
    private final String command;
    private final Map<String, Map<String, Map<String, Double>>> medians;

    Report(Bench.Settings settings, List<Bench.Run> runs, String server, String command) {
        this.settings = settings;
        this.runs = runs;
        this.server = server;
        this.command = command;
        this.medians = Bench.medians(runs);
    }

    static String summary(Bench.Run run) {
        Map<String, Double> m = run.metrics();
        return switch (run.workload()) {
            case "echo" -> String.format(Locale.ROOT, "%,.0f rt/s p99 %.2f ms, %.1f µs CPU/rt, wire %.0f/%.0f B",
                    m.get("roundTripsPerSec"), m.get("latencyP99Ms"), m.get("serverCpuUsPerMsg"), m.get("wireUpPerMsg"), m.get("wireDownPerMsg"));
            case "fanout" -> String.format(Locale.ROOT, "%,.0f deliveries/s p99 %.1f ms, %.2f µs CPU/delivery, lost %.0f",
                    m.get("deliveriesPerSec"), m.get("latencyP99Ms"), m.get("serverCpuUsPerMsg"), m.get("lost"));
            default -> String.format(Locale.ROOT, "%,.0f sessions: %.1f KB per session (heap %.1f KB, RSS growth %.1f KB)",
                    m.get("sessions"), m.get("memoryPerSessionBytes") / 1024, m.get("heapPerSessionBytes") / 1024,
                    m.get("rssPerSessionBytes") / 1024);
        };
    }

    private String heading(String workload) {
        return switch (workload) {
            case "echo" -> String.format(Locale.ROOT, "echo: %d clients, closed loop, %d-char messages", settings.clients, settings.payload);
            case "fanout" -> String.format(Locale.ROOT, "fan-out: %d clients in one room, %.0f broadcasts/s, %d-char messages",
                    settings.fanoutClients, settings.rate, settings.payload);
            default -> String.format(Locale.ROOT, "idle: %d sessions", settings.idleSessions);
        };
    }

    static String format(double v, int decimals) {
        if (Double.isNaN(v)) return "-";
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static boolean meets(Row row, String transport, double v) {
        double t = row.target(transport);
        if (Double.isNaN(t) || Double.isNaN(v)) return true;
        return row.higherIsBetter() ? v >= t : v <= t;
    }

    private String targetText(Row r) {
        if (!r.hasTarget()) return "";
        String op = r.higherIsBetter() ? "≥ " : "≤ ";
        return op + format(r.targetWs(), 0) + " / " + op + format(r.targetPolling(), 0);
    }

    /** The side-by-side table of medians (plain text). */
    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Medians of %d run(s) each. Server: %s%n", settings.repeat, server));
        for (String w : settings.workloads) {
            Map<String, Map<String, Double>> byT = medians.get(w);
            if (byT == null) continue;
            b.append('\n').append(heading(w)).append('\n');
            b.append(String.format(Locale.ROOT, "  %-32s %14s %14s   %s%n", "", "websocket", "polling", "target ws / polling"));
            for (Row r : ROWS) {
                if (!r.workload().equals(w)) continue;
                b.append(String.format(Locale.ROOT, "  %-32s", r.title() + (r.unit().isEmpty() ? "" : " (" + r.unit() + ")")));
                for (String t : List.of("websocket", "polling")) {
                    Double v = byT.getOrDefault(t, Map.of()).get(r.metric());
                    String cell = v == null ? "-" : format(v, r.decimals()) + (meets(r, t, v) ? " " : "!");
                    b.append(String.format(Locale.ROOT, " %14s", cell));
                }
                b.append("   ").append(targetText(r)).append('\n');
            }
        }
        b.append("\n(! = misses the issue's target)\n");
        return b.toString();
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), json(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.csv"), csv(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("table.txt"), table(), StandardCharsets.UTF_8);
    }

    private JsonObject meta() {
        JsonObject meta = new JsonObject();
        meta.addProperty("time", ZonedDateTime.now().toString());
        meta.addProperty("command", command);
        meta.addProperty("server", server);
        meta.addProperty("cores", Runtime.getRuntime().availableProcessors());
        meta.addProperty("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        meta.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        meta.addProperty("loadGeneratorJvm", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        return meta;
    }

    String json() {
        JsonObject root = new JsonObject();
        root.add("meta", meta());
        JsonObject s = new JsonObject();
        s.addProperty("clients", settings.clients);
        s.addProperty("fanoutClients", settings.fanoutClients);
        s.addProperty("rate", settings.rate);
        s.addProperty("idleSessions", settings.idleSessions);
        s.addProperty("payload", settings.payload);
        s.addProperty("warmupSeconds", settings.warmupSeconds);
        s.addProperty("durationSeconds", settings.durationSeconds);
        s.addProperty("repeat", settings.repeat);
        root.add("settings", s);
        JsonArray list = new JsonArray();
        for (Bench.Run r : runs) {
            JsonObject o = new JsonObject();
            o.addProperty("workload", r.workload());
            o.addProperty("transport", r.transport());
            o.addProperty("run", r.index());
            o.addProperty("loadAvgBefore", r.loadBefore());
            o.addProperty("loadAvgAfter", r.loadAfter());
            JsonObject m = new JsonObject();
            r.metrics().forEach((k, v) -> m.addProperty(k, finite(v)));
            o.add("metrics", m);
            list.add(o);
        }
        root.add("runs", list);
        JsonObject med = new JsonObject();
        medians.forEach((w, byT) -> {
            JsonObject wo = new JsonObject();
            byT.forEach((t, byM) -> {
                JsonObject to = new JsonObject();
                byM.forEach((k, v) -> to.addProperty(k, finite(v)));
                wo.add(t, to);
            });
            med.add(w, wo);
        });
        root.add("medians", med);
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    String csv() {
        StringBuilder b = new StringBuilder("workload,transport,run,load_avg_before,load_avg_after,metric,value\n");
        for (Bench.Run r : runs) {
            r.metrics().forEach((k, v) -> b.append(r.workload()).append(',').append(r.transport()).append(',').append(r.index())
                    .append(',').append(r.loadBefore()).append(',').append(r.loadAfter()).append(',').append(k).append(',')
                    .append(Double.isFinite(v) ? String.valueOf(v) : "").append('\n'));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- HTML

    private static final String WS_COLOR = "#2b6cb0";
    private static final String POLL_COLOR = "#dd6b20";

    String html() {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Comet Bridge A/B benchmark</title>\n<style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}.miss{color:#c53030;font-weight:600}.ok{color:#276749}")
                .append(".charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #eee;padding:6px}")
                .append("code{background:#f4f4f4;padding:1px 4px}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}")
                .append("</style></head><body>\n");
        h.append("<h1>Comet Bridge: WebSocket vs long-polling</h1>\n");
        h.append("<p class=\"legend\">").append("<span style=\"background:").append(WS_COLOR).append("\"></span>websocket")
                .append("<span style=\"background:").append(POLL_COLOR).append("\"></span>polling</p>\n");
        h.append("<p>Medians of ").append(settings.repeat).append(" run(s) per workload and transport; ")
                .append(esc(String.format(Locale.ROOT, "%.0f s warm-up, %.0f s measured", settings.warmupSeconds, settings.durationSeconds)))
                .append(". Server: ").append(esc(server)).append(".<br>Command: <code>").append(esc(command)).append("</code><br>")
                .append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(esc(System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")))
                .append(". Load averages per run are in the raw table below.</p>\n");
        for (String w : settings.workloads) {
            Map<String, Map<String, Double>> byT = medians.get(w);
            if (byT == null) continue;
            h.append("<h2>").append(esc(heading(w))).append("</h2>\n<table><tr><th></th><th>websocket</th><th>polling</th><th>target ws / polling</th></tr>\n");
            for (Row r : ROWS) {
                if (!r.workload().equals(w)) continue;
                h.append("<tr><td>").append(esc(r.title())).append(r.unit().isEmpty() ? "" : " (" + esc(r.unit()) + ")").append("</td>");
                for (String t : List.of("websocket", "polling")) {
                    Double v = byT.getOrDefault(t, Map.of()).get(r.metric());
                    String cls = v == null || !r.hasTarget() ? "" : meets(r, t, v) ? "ok" : "miss";
                    h.append("<td class=\"").append(cls).append("\">").append(v == null ? "-" : format(v, r.decimals())).append("</td>");
                }
                h.append("<td>").append(esc(targetText(r))).append("</td></tr>\n");
            }
            h.append("</table>\n<div class=\"charts\">\n");
            if (!w.equals("idle")) h.append(latencyChart(w, byT));
            for (Row r : ROWS) {
                if (r.workload().equals(w) && !r.metric().startsWith("latency") && !r.metric().equals("lost")) h.append(barChart(r, byT));
            }
            h.append("</div>\n");
        }
        h.append("<h2>Every run</h2>\n<table><tr><th>workload</th><th>transport</th><th>run</th><th>load avg before→after</th><th>summary</th></tr>\n");
        for (Bench.Run r : runs) {
            h.append("<tr><td>").append(r.workload()).append("</td><td>").append(r.transport()).append("</td><td>").append(r.index())
                    .append("</td><td>").append(format(r.loadBefore(), 2)).append(" → ").append(format(r.loadAfter(), 2))
                    .append("</td><td style=\"text-align:left\">").append(esc(summary(r))).append("</td></tr>\n");
        }
        h.append("</table>\n<p>Raw figures: <a href=\"results.json\">results.json</a>, <a href=\"results.csv\">results.csv</a>.</p>\n");
        h.append("<p>Wire bytes are counted by the server at the socket (HTTP headers and bodies; WebSocket frames with headers, masks and control frames) and charged to each session's transport; CPU is the server process's CPU time. See docs/BENCHMARK.md.</p>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    /** Two horizontal bars (websocket, polling) for one metric, with the target as a dashed line. */
    private String barChart(Row r, Map<String, Map<String, Double>> byT) {
        double ws = byT.getOrDefault("websocket", Map.of()).getOrDefault(r.metric(), Double.NaN);
        double poll = byT.getOrDefault("polling", Map.of()).getOrDefault(r.metric(), Double.NaN);
        double max = 0;
        for (double v : new double[]{ws, poll, r.targetWs(), r.targetPolling()}) if (Double.isFinite(v)) max = Math.max(max, v);
        if (max <= 0) max = 1;
        int width = 330, left = 70, barW = width - left - 70;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart\" width=\"").append(width).append("\" height=\"96\" viewBox=\"0 0 ").append(width).append(" 96\" role=\"img\">");
        s.append("<text x=\"4\" y=\"14\" font-size=\"12\" font-weight=\"600\">").append(esc(r.title()))
                .append(r.unit().isEmpty() ? "" : " (" + esc(r.unit()) + ")").append("</text>");
        String[] names = {"websocket", "polling"};
        double[] vals = {ws, poll};
        String[] colors = {WS_COLOR, POLL_COLOR};
        for (int i = 0; i < 2; i++) {
            int y = 26 + i * 32;
            double v = vals[i];
            int len = Double.isFinite(v) ? (int) Math.round(barW * v / max) : 0;
            s.append("<text x=\"4\" y=\"").append(y + 15).append("\" font-size=\"11\">").append(names[i]).append("</text>");
            s.append("<rect x=\"").append(left).append("\" y=\"").append(y).append("\" width=\"").append(Math.max(1, len))
                    .append("\" height=\"20\" fill=\"").append(colors[i]).append("\"/>");
            s.append("<text x=\"").append(left + len + 4).append("\" y=\"").append(y + 15).append("\" font-size=\"11\">")
                    .append(Double.isFinite(v) ? format(v, r.decimals()) : "-").append("</text>");
            double t = r.target(names[i]);
            if (Double.isFinite(t)) {
                int tx = left + (int) Math.round(barW * t / max);
                s.append("<line x1=\"").append(tx).append("\" x2=\"").append(tx).append("\" y1=\"").append(y - 3).append("\" y2=\"").append(y + 23)
                        .append("\" stroke=\"#c53030\" stroke-dasharray=\"3,2\"><title>target ").append(format(t, 0)).append("</title></line>");
            }
        }
        return s.append("</svg>\n").toString();
    }

    /** Grouped bars: p50, p99, p99.9 latency per transport (log-free, scaled to the largest). */
    private String latencyChart(String workload, Map<String, Map<String, Double>> byT) {
        String[] metrics = {"latencyP50Ms", "latencyP99Ms", "latencyP999Ms"};
        String[] labels = {"p50", "p99", "p99.9"};
        double max = 0;
        for (String t : List.of("websocket", "polling")) {
            for (String m : metrics) {
                double v = byT.getOrDefault(t, Map.of()).getOrDefault(m, Double.NaN);
                if (Double.isFinite(v)) max = Math.max(max, v);
            }
        }
        if (max <= 0) max = 1;
        int width = 330, height = 190, base = 160, top = 30;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart\" width=\"").append(width).append("\" height=\"").append(height).append("\" role=\"img\">");
        s.append("<text x=\"4\" y=\"14\" font-size=\"12\" font-weight=\"600\">").append(workload.equals("echo") ? "round-trip" : "delivery")
                .append(" latency (ms)</text>");
        s.append("<line x1=\"30\" x2=\"").append(width - 10).append("\" y1=\"").append(base).append("\" y2=\"").append(base).append("\" stroke=\"#999\"/>");
        List<String> ts = List.of("websocket", "polling");
        for (int g = 0; g < metrics.length; g++) {
            int gx = 40 + g * 95;
            for (int i = 0; i < 2; i++) {
                double v = byT.getOrDefault(ts.get(i), Map.of()).getOrDefault(metrics[g], Double.NaN);
                int hgt = Double.isFinite(v) ? (int) Math.round((base - top) * v / max) : 0;
                int x = gx + i * 36;
                s.append("<rect x=\"").append(x).append("\" y=\"").append(base - hgt).append("\" width=\"32\" height=\"").append(Math.max(1, hgt))
                        .append("\" fill=\"").append(i == 0 ? WS_COLOR : POLL_COLOR).append("\"><title>").append(ts.get(i)).append(' ')
                        .append(labels[g]).append("</title></rect>");
                s.append("<text x=\"").append(x + 16).append("\" y=\"").append(base - hgt - 3).append("\" font-size=\"10\" text-anchor=\"middle\">")
                        .append(Double.isFinite(v) ? format(v, v < 10 ? 2 : 0) : "-").append("</text>");
            }
            s.append("<text x=\"").append(gx + 34).append("\" y=\"").append(base + 16).append("\" font-size=\"11\" text-anchor=\"middle\">")
                    .append(labels[g]).append("</text>");
        }
        return s.append("</svg>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
