package io.cometbridge.samples.bench;

import io.cometbridge.samples.bench.load.Target;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table (absolute medians per system and transport, the ratios bridge ÷ Socket.IO and
 * bridge ÷ CometD, the targets marked met or missed) and the report files: report.html
 * (self-contained, inline SVG charts), results.json, results.csv, table.txt.
 */
final class Report {
    static final double NONE = Double.NaN;

    /**
     * A row: a metric, how to show it, and the targets as ratios bridge ÷ peer
     * ({@code vsSocketIo}, {@code vsCometd}; NaN: none) or as an absolute bound on the bridge's
     * figure ({@code absolute}). {@code only}: the transport the targets apply to (null: both).
     */
    record Row(String workload, String metric, String title, String unit, int decimals, boolean higherIsBetter,
               double vsSocketIo, double vsCometd, double absolute, String only) {
        Row(String workload, String metric, String title, String unit, int decimals, boolean higherIsBetter) {
            this(workload, metric, title, unit, decimals, higherIsBetter, NONE, NONE, NONE, null);
        }

        boolean targetApplies(String transport) {
            return only == null || transport.equals(only) || transport.startsWith(only + "-"); // polling-h2 too
        }
    }

    private static final Target.Sys[] SYSTEMS = Target.Sys.PEERS.toArray(Target.Sys[]::new);
    private final Bench.Settings settings;
    private final List<Bench.Run> runs;
    private final Map<Target.Sys, String> servers;
    private final String command;
    private final Map<String, Map<Target, Map<String, Double>>> medians;

    Report(Bench.Settings settings, List<Bench.Run> runs, Map<Target.Sys, String> servers, String command) {
        this.settings = settings;
        this.runs = runs;
        this.servers = servers;
        this.command = command;
        this.medians = Bench.medians(runs);
    }

    /** The report of an earlier run, from its results.json (to render it again with this code). */
    static Report fromJson(Path json) throws IOException {
        JsonObject root = com.google.gson.JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonObject st = root.getAsJsonObject("settings");
        Bench.Settings s = new Bench.Settings();
        s.quick = st.get("quick").getAsBoolean();
        s.scaleOut = st.has("scaleOut") && st.get("scaleOut").getAsBoolean();
        s.clients = st.get("clients").getAsInt();
        s.fanoutClients = st.get("fanoutClients").getAsInt();
        s.rate = st.get("rate").getAsDouble();
        s.idleSessions = st.get("idleSessions").getAsInt();
        s.idleSeconds = st.get("idleSeconds").getAsDouble();
        s.connects = st.get("connects").getAsInt();
        s.connectParallel = st.get("connectParallel").getAsInt();
        s.payload = st.get("payload").getAsInt();
        s.warmupSeconds = st.get("warmupSeconds").getAsDouble();
        s.durationSeconds = st.get("durationSeconds").getAsDouble();
        s.drainSeconds = st.get("drainSeconds").getAsDouble();
        s.repeat = st.get("repeat").getAsInt();
        s.threads = st.get("threads").getAsInt();
        s.seed = st.get("seed").getAsLong();
        List<Bench.Run> runs = new ArrayList<>();
        java.util.Set<String> workloads = new java.util.LinkedHashSet<>();
        for (var e : root.getAsJsonArray("runs")) {
            JsonObject o = e.getAsJsonObject();
            Map<String, Double> m = new java.util.LinkedHashMap<>();
            o.getAsJsonObject("metrics").entrySet().forEach(x -> m.put(x.getKey(), x.getValue().isJsonNull() ? NONE : x.getValue().getAsDouble()));
            workloads.add(o.get("workload").getAsString());
            runs.add(new Bench.Run(o.get("workload").getAsString(), new Target(Target.Sys.of(o.get("system").getAsString()),
                    o.get("transport").getAsString()), o.get("run").getAsInt(), o.get("orderInRepeat").getAsInt(),
                    o.get("loadAvgBefore").getAsDouble(), o.get("loadAvgAfter").getAsDouble(),
                    o.has("error") ? o.get("error").getAsString() : null, m));
        }
        s.workloads = List.copyOf(workloads);
        Map<Target.Sys, String> servers = new java.util.LinkedHashMap<>();
        root.getAsJsonObject("meta").getAsJsonObject("servers").entrySet()
                .forEach(x -> servers.put(Target.Sys.of(x.getKey()), x.getValue().getAsString()));
        return new Report(s, runs, servers, root.getAsJsonObject("meta").get("command").getAsString());
    }

    static String summary(Bench.Run run) {
        Map<String, Double> m = run.metrics();
        String lg = String.format(Locale.ROOT, ", server CPU %.0f%%, load generator CPU %.0f%%", m.get("serverCpuPercent"), m.get("loadgenCpuPercent"));
        return switch (run.workload()) {
            case "echo" -> String.format(Locale.ROOT, "%,.0f rt/s p99 %.2f ms, %.1f µs server CPU/rt, wire %.0f/%.0f B", m.get("throughput"),
                    m.get("latencyP99Ms"), m.get("serverCpuUsPerMsg"), m.get("wireUpPerMsg"), m.get("wireDownPerMsg")) + lg;
            case "fanout" -> String.format(Locale.ROOT, "%,.0f deliveries/s p99 %.1f ms, %.2f µs server CPU/delivery, lost %.0f",
                    m.get("throughput"), m.get("latencyP99Ms"), m.get("serverCpuUsPerMsg"), m.get("lost")) + lg;
            case "idle" -> String.format(Locale.ROOT, "%,.0f sessions: %.1f KB per session, %.0f B/min down per session, %.0f lost",
                    m.get("sessions"), m.get("memoryPerSessionBytes") / 1024, m.get("wireDownPerSessionMin"), m.get("sessionsLost")) + lg;
            default -> String.format(Locale.ROOT, "%,.0f connects in %.2f s (fresh server), %.2f s (second storm), p99 %.1f / %.1f ms,"
                    + " %.0f / %.0f µs server CPU/connect", m.get("connects"), m.get("connectSeconds"), m.get(Workloads.secondStorm("connectSeconds")),
                    m.get("latencyP99Ms"), m.get(Workloads.secondStorm("latencyP99Ms")), m.get("serverCpuUsPerMsg"),
                    m.get(Workloads.secondStorm("serverCpuUsPerMsg"))) + lg;
        };
    }

    private String heading(String workload) {
        return switch (workload) {
            case "echo" -> String.format(Locale.ROOT, "echo: %d clients, closed loop, %d-char messages", settings.clients, settings.payload);
            case "fanout" -> String.format(Locale.ROOT, "fan-out: %d clients in one room, %.0f broadcasts/s, %d-char messages",
                    settings.fanoutClients, settings.rate, settings.payload);
            case "idle" -> String.format(Locale.ROOT, "idle: %d sessions held open, %.0f s measured", settings.idleSessions, settings.idleSeconds);
            default -> String.format(Locale.ROOT, "connect storm: %d sessions, %d connecting at once", settings.connects, settings.connectParallel);
        };
    }

    static String format(double v, int decimals) {
        if (Double.isNaN(v)) return "-";
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private Double value(String workload, Target t, String metric) {
        Map<String, Double> m = medians.getOrDefault(workload, Map.of()).get(t);
        return m == null ? null : m.get(metric);
    }

    private static double ratio(Double bridge, Double peer) {
        if (bridge == null || peer == null || peer == 0) return NONE;
        return bridge / peer;
    }

    /** The targets of a row for one transport, each "met" or "MISSED" (or "n/a" without figures). */
    private List<String> verdicts(Row r, String transport) {
        List<String> out = new ArrayList<>();
        if (!r.targetApplies(transport)) return out;
        String op = r.higherIsBetter() ? "≥" : "≤";
        Double b = value(r.workload(), new Target(Target.Sys.BRIDGE, transport), r.metric());
        if (!Double.isNaN(r.vsSocketIo())) {
            double q = ratio(b, value(r.workload(), new Target(Target.Sys.SOCKETIO, transport), r.metric()));
            out.add(op + format(r.vsSocketIo(), r.vsSocketIo() % 1 == 0 ? 0 : 1) + "× sio " + verdict(q, r.vsSocketIo(), r.higherIsBetter()));
        }
        if (!Double.isNaN(r.vsCometd())) {
            double q = ratio(b, value(r.workload(), new Target(Target.Sys.COMETD, transport), r.metric()));
            out.add(op + format(r.vsCometd(), r.vsCometd() % 1 == 0 ? 0 : 1) + "× cometd " + verdict(q, r.vsCometd(), r.higherIsBetter()));
        }
        if (!Double.isNaN(r.absolute())) {
            String bound = r.absolute() == 0 ? "= 0" : (r.higherIsBetter() ? "≥ " : "≤ ") + format(r.absolute(), 0) + " " + r.unit();
            out.add(bound + " " + verdict(b == null ? NONE : b, r.absolute(), r.higherIsBetter()));
        }
        return out;
    }

    private static String verdict(double v, double target, boolean higherIsBetter) {
        if (Double.isNaN(v)) return "n/a";
        return (higherIsBetter ? v >= target : v <= target) ? "met" : "MISSED";
    }

    private boolean hasGroup(String workload, String transport) {
        for (Target.Sys s : SYSTEMS) if (medians.getOrDefault(workload, Map.of()).containsKey(new Target(s, transport))) return true;
        return false;
    }

    /** The plain-text table: per workload and transport, absolute medians, ratios and targets. */
    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Medians of %d run(s) per workload and system/transport (interleaved).%s%n", settings.repeat,
                settings.quick ? " QUICK RUN: counts too small for meaningful figures." : ""));
        servers.forEach((s, d) -> b.append("  ").append(s.id).append(": ").append(d).append('\n'));
        if (settings.workloads.contains("idle") && settings.idleSeconds <= Bench.LONGEST_QUIET_SECONDS) {
            b.append(String.format(Locale.ROOT, "  idle: the window (%s s) is not longer than the longest poll hold or heartbeat (%s s):"
                    + " per-session idle overhead (CPU, wire bytes) not measured%n", format(settings.idleSeconds, 1), format(Bench.LONGEST_QUIET_SECONDS, 0)));
        }
        if (settings.scaleOut) b.append(scaleOut().table());
        else for (String w : settings.workloads) {
            for (String t : Target.ALL_TRANSPORTS) {
                if (!hasGroup(w, t)) continue;
                b.append('\n').append(heading(w)).append(" — ").append(t).append(t.equals(Target.POLLING) ? " (CometD: long-polling)" : "").append('\n');
                b.append(String.format(Locale.ROOT, "  %-48s %11s %11s %11s %9s %9s   %s%n", "", "bridge", "socketio", "cometd",
                        "b÷sio", "b÷cometd", "target (bridge ÷ peer)"));
                for (Row r : ReportRows.ALL) {
                    if (!r.workload().equals(w)) continue;
                    b.append(String.format(Locale.ROOT, "  %-48s", r.title() + (r.unit().isEmpty() ? "" : " (" + r.unit() + ")")));
                    Double[] v = new Double[SYSTEMS.length];
                    for (int i = 0; i < SYSTEMS.length; i++) {
                        v[i] = value(w, new Target(SYSTEMS[i], t), r.metric());
                        b.append(String.format(Locale.ROOT, " %11s", v[i] == null ? "-" : format(v[i], r.decimals())));
                    }
                    b.append(String.format(Locale.ROOT, " %9s %9s", format(ratio(v[0], v[1]), 2), format(ratio(v[0], v[2]), 2)));
                    List<String> verdicts = verdicts(r, t);
                    if (!verdicts.isEmpty()) b.append("   ").append(String.join("; ", verdicts));
                    b.append('\n');
                }
            }
        }
        List<String> failed = runs.stream().filter(r -> r.error() != null)
                .map(r -> r.workload() + " " + r.target() + " run " + r.index() + ": " + r.error()).toList();
        if (!failed.isEmpty()) b.append("\nFailed runs (left out of the medians):\n  ").append(String.join("\n  ", failed)).append('\n');
        b.append(String.format(Locale.ROOT, "%nLoad average (1 min) over the runs: %.2f–%.2f.%n", loadMin(), loadMax()));
        return b.toString();
    }

    private ScaleOutReport scaleOut() {
        return new ScaleOutReport(settings, this::value, this::heading);
    }

    private double loadMin() {
        return runs.stream().mapToDouble(r -> Math.min(r.loadBefore(), r.loadAfter())).min().orElse(NONE);
    }

    private double loadMax() {
        return runs.stream().mapToDouble(r -> Math.max(r.loadBefore(), r.loadAfter())).max().orElse(NONE);
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), json(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.csv"), csv(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("table.txt"), table(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- JSON, CSV

    String json() {
        JsonObject root = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("time", ZonedDateTime.now().toString());
        meta.addProperty("command", command);
        meta.addProperty("cores", Runtime.getRuntime().availableProcessors());
        meta.addProperty("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        meta.addProperty("loadGeneratorJvm", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        JsonObject srv = new JsonObject();
        servers.forEach((s, d) -> srv.addProperty(s.id, d));
        meta.add("servers", srv);
        root.add("meta", meta);
        JsonObject s = new JsonObject();
        s.addProperty("quick", settings.quick);
        s.addProperty("scaleOut", settings.scaleOut);
        s.addProperty("clients", settings.clients);
        s.addProperty("fanoutClients", settings.fanoutClients);
        s.addProperty("rate", settings.rate);
        s.addProperty("idleSessions", settings.idleSessions);
        s.addProperty("idleSeconds", settings.idleSeconds);
        s.addProperty("connects", settings.connects);
        s.addProperty("connectParallel", settings.connectParallel);
        s.addProperty("payload", settings.payload);
        s.addProperty("warmupSeconds", settings.warmupSeconds);
        s.addProperty("durationSeconds", settings.durationSeconds);
        s.addProperty("drainSeconds", settings.drainSeconds);
        s.addProperty("repeat", settings.repeat);
        s.addProperty("threads", settings.threads);
        s.addProperty("seed", settings.seed);
        root.add("settings", s);
        JsonArray list = new JsonArray();
        for (Bench.Run r : runs) {
            JsonObject o = new JsonObject();
            o.addProperty("workload", r.workload());
            o.addProperty("system", r.target().system().id);
            o.addProperty("transport", r.target().transport());
            o.addProperty("run", r.index());
            o.addProperty("orderInRepeat", r.order());
            o.addProperty("loadAvgBefore", r.loadBefore());
            o.addProperty("loadAvgAfter", r.loadAfter());
            if (r.error() != null) o.addProperty("error", r.error());
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
                wo.add(t.id(), to);
            });
            med.add(w, wo);
        });
        root.add("medians", med);
        JsonArray targets = new JsonArray();
        for (Row r : ReportRows.ALL) {
            for (String t : Target.ALL_TRANSPORTS) {
                for (String v : verdicts(r, t)) {
                    JsonObject o = new JsonObject();
                    o.addProperty("workload", r.workload());
                    o.addProperty("metric", r.metric());
                    o.addProperty("transport", t);
                    o.addProperty("target", v.substring(0, v.lastIndexOf(' ')));
                    o.addProperty("verdict", v.substring(v.lastIndexOf(' ') + 1));
                    targets.add(o);
                }
            }
        }
        root.add("targets", targets);
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    String csv() {
        StringBuilder b = new StringBuilder("workload,system,transport,run,load_avg_before,load_avg_after,metric,value\n");
        for (Bench.Run r : runs) {
            r.metrics().forEach((k, v) -> b.append(r.workload()).append(',').append(r.target().system().id).append(',')
                    .append(r.target().transport()).append(',').append(r.index()).append(',').append(r.loadBefore()).append(',')
                    .append(r.loadAfter()).append(',').append(k).append(',').append(Double.isFinite(v) ? String.valueOf(v) : "").append('\n'));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- HTML


    String html() {
        ReportCharts charts = new ReportCharts(this::value, Target.Sys.PEERS);
        StringBuilder h = new StringBuilder(65_536);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Comet Bridge vs Socket.IO vs CometD</title>\n<style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:3px 9px;border-bottom:1px solid #ddd;text-align:right}")
                .append("td:first-child,th:first-child,td:last-child{text-align:left}.miss{color:#c53030;font-weight:600}.met{color:#276749}")
                .append(".charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #eee;padding:6px}")
                .append("code{background:#f4f4f4;padding:1px 4px}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}")
                .append("</style></head><body>\n");
        List<Target.Sys> columns = settings.scaleOut ? Target.Sys.SCALE_OUT : Target.Sys.PEERS;
        h.append(settings.scaleOut ? "<h1>Comet Bridge: one node vs several on Redis</h1>" : "<h1>Comet Bridge vs Socket.IO 4.8 vs CometD 8</h1>")
                .append("\n<p class=\"legend\">");
        for (int i = 0; i < columns.size(); i++) {
            h.append("<span style=\"background:").append(ReportCharts.COLORS[i]).append("\"></span>").append(esc(columns.get(i).title));
        }
        h.append("</p>\n<p>").append(settings.quick ? "<b>Quick run: counts too small for meaningful figures.</b> " : "")
                .append("Medians of ").append(settings.repeat).append(" run(s) per workload and system/transport, interleaved; ")
                .append(esc(String.format(Locale.ROOT, "%.0f s warm-up, %.0f s measured", settings.warmupSeconds, settings.durationSeconds)))
                .append(". Command: <code>").append(esc(command)).append("</code><br>Machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores; load average (1 min) ")
                .append(esc(String.format(Locale.ROOT, "%.2f–%.2f", loadMin(), loadMax()))).append(" over the runs (per run in the raw table).</p>\n<ul>");
        servers.forEach((s, d) -> h.append("<li>").append(esc(s.id)).append(": ").append(esc(d)).append("</li>"));
        h.append("</ul>\n");
        if (settings.scaleOut) h.append(scaleOut().html());
        else for (String w : settings.workloads) {
            for (String t : Target.ALL_TRANSPORTS) {
                if (!hasGroup(w, t)) continue;
                h.append("<h2>").append(esc(heading(w))).append(" — ").append(t).append("</h2>\n<table><tr><th></th>");
                for (Target.Sys s : SYSTEMS) h.append("<th>").append(esc(s.id)).append("</th>");
                h.append("<th>bridge ÷ socketio</th><th>bridge ÷ cometd</th><th>target (bridge ÷ peer)</th></tr>\n");
                for (Row r : ReportRows.ALL) {
                    if (!r.workload().equals(w)) continue;
                    h.append("<tr><td>").append(esc(r.title())).append(r.unit().isEmpty() ? "" : " (" + esc(r.unit()) + ")").append("</td>");
                    Double[] v = new Double[SYSTEMS.length];
                    for (int i = 0; i < SYSTEMS.length; i++) {
                        v[i] = value(w, new Target(SYSTEMS[i], t), r.metric());
                        h.append("<td>").append(v[i] == null ? "-" : format(v[i], r.decimals())).append("</td>");
                    }
                    h.append("<td>").append(format(ratio(v[0], v[1]), 2)).append("</td><td>").append(format(ratio(v[0], v[2]), 2)).append("</td><td>");
                    for (String verdict : verdicts(r, t)) {
                        h.append("<span class=\"").append(verdict.endsWith("MISSED") ? "miss" : "met").append("\">").append(esc(verdict)).append("</span> ");
                    }
                    h.append("</td></tr>\n");
                }
                h.append("</table>\n<div class=\"charts\">\n");
                if (!w.equals("idle")) h.append(charts.latencyChart(w, t));
                for (Row r : ReportRows.ALL) {
                    if (r.workload().equals(w) && !r.metric().startsWith("latency") && !r.metric().startsWith(Workloads.secondStorm("latency")) && !r.metric().equals("lost")
                            && !r.metric().equals("sessionsLost") && !r.metric().equals("connectFailures")) {
                        h.append(charts.barChart(r, t));
                    }
                }
                h.append("</div>\n");
            }
        }
        h.append("<h2>Every run</h2>\n<table><tr><th>workload</th><th>system</th><th>transport</th><th>run</th><th>order</th><th>load before</th><th>load after</th><th>summary</th></tr>\n");
        for (Bench.Run r : runs) {
            h.append("<tr><td>").append(r.workload()).append("</td><td>").append(r.target().system().id).append("</td><td>")
                    .append(r.target().transport()).append("</td><td>").append(r.index()).append("</td><td>").append(r.order())
                    .append("</td><td>").append(format(r.loadBefore(), 2)).append("</td><td>").append(format(r.loadAfter(), 2))
                    .append("</td><td>").append(esc(r.error() == null ? summary(r) : "FAILED: " + r.error())).append("</td></tr>\n");
        }
        h.append("</table>\n<p>Method: docs/BENCHMARK.md. Raw figures: results.json, results.csv.</p>\n</body></html>\n");
        return h.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
