package io.cometbridge.samples.bench;

import io.cometbridge.samples.bench.load.Target;

/** The report's inline SVG charts: one figure as a bar per system, and latencies as grouped bars. */
final class ReportCharts {
    static final String[] COLORS = {"#2b6cb0", "#38a169", "#d69e2e"};
    private final Target.Sys[] systems; // the columns: the peers, or the bridge's deployments

    /** A median figure of the run, or null when there is none. */
    interface Figures {
        Double value(String workload, Target target, String metric);
    }

    private final Figures figures;

    ReportCharts(Figures figures, java.util.List<Target.Sys> systems) {
        this.figures = figures;
        this.systems = systems.toArray(Target.Sys[]::new);
    }

    /** Horizontal bars: one metric, one bar per system. */
    String barChart(Report.Row r, String transport) {
        double[] v = new double[systems.length];
        double max = 0;
        for (int i = 0; i < systems.length; i++) {
            Double x = figures.value(r.workload(), new Target(systems[i], transport), r.metric());
            v[i] = x == null ? Double.NaN : x;
            if (Double.isFinite(v[i])) max = Math.max(max, v[i]);
        }
        if (max <= 0) max = 1;
        int width = 350, left = 90, barW = 190;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart\" width=\"").append(width).append("\" height=\"").append(30 + 26 * systems.length).append("\" role=\"img\">");
        s.append("<text x=\"4\" y=\"14\" font-size=\"12\" font-weight=\"600\">").append(Report.esc(r.title()))
                .append(r.unit().isEmpty() ? "" : " (" + Report.esc(r.unit()) + ")").append("</text>");
        for (int i = 0; i < systems.length; i++) {
            int y = 24 + i * 26;
            int len = Double.isFinite(v[i]) ? (int) Math.round(barW * v[i] / max) : 0;
            s.append("<text x=\"4\" y=\"").append(y + 15).append("\" font-size=\"11\">").append(systems[i].id).append("</text>");
            s.append("<rect x=\"").append(left).append("\" y=\"").append(y).append("\" width=\"").append(Math.max(1, len))
                    .append("\" height=\"20\" fill=\"").append(COLORS[i]).append("\"/>");
            s.append("<text x=\"").append(left + len + 4).append("\" y=\"").append(y + 15).append("\" font-size=\"11\">")
                    .append(Double.isFinite(v[i]) ? Report.format(v[i], r.decimals()) : "-").append("</text>");
        }
        return s.append("</svg>\n").toString();
    }

    /** Grouped bars: p50, p99, p99.9 per system. */
    String latencyChart(String workload, String transport) {
        String[] metrics = {"latencyP50Ms", "latencyP99Ms", "latencyP999Ms"};
        String[] labels = {"p50", "p99", "p99.9"};
        double max = 0;
        for (Target.Sys sys : systems) {
            for (String m : metrics) {
                Double v = figures.value(workload, new Target(sys, transport), m);
                if (v != null && Double.isFinite(v)) max = Math.max(max, v);
            }
        }
        if (max <= 0) max = 1;
        int width = 420, height = 200, base = 170, top = 30;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart\" width=\"").append(width).append("\" height=\"").append(height).append("\" role=\"img\">");
        s.append("<text x=\"4\" y=\"14\" font-size=\"12\" font-weight=\"600\">")
                .append(switch (workload) {
                    case "echo" -> "round-trip";
                    case "fanout" -> "delivery";
                    default -> "fresh server's connect";
                }).append(" latency (ms)</text>");
        s.append("<line x1=\"20\" x2=\"").append(width - 10).append("\" y1=\"").append(base).append("\" y2=\"").append(base).append("\" stroke=\"#999\"/>");
        for (int g = 0; g < metrics.length; g++) {
            int gx = 30 + g * 130;
            for (int i = 0; i < systems.length; i++) {
                Double v = figures.value(workload, new Target(systems[i], transport), metrics[g]);
                int hgt = v != null && Double.isFinite(v) ? (int) Math.round((base - top) * v / max) : 0;
                int x = gx + i * 38;
                s.append("<rect x=\"").append(x).append("\" y=\"").append(base - hgt).append("\" width=\"34\" height=\"").append(Math.max(1, hgt))
                        .append("\" fill=\"").append(COLORS[i]).append("\"><title>").append(systems[i].id).append(' ').append(labels[g])
                        .append("</title></rect>");
                s.append("<text x=\"").append(x + 17).append("\" y=\"").append(base - hgt - 3).append("\" font-size=\"10\" text-anchor=\"middle\">")
                        .append(v == null ? "-" : Report.format(v, v < 10 ? 1 : 0)).append("</text>");
            }
            s.append("<text x=\"").append(gx + 55).append("\" y=\"").append(base + 16).append("\" font-size=\"11\" text-anchor=\"middle\">")
                    .append(labels[g]).append("</text>");
        }
        return s.append("</svg>\n").toString();
    }
}
