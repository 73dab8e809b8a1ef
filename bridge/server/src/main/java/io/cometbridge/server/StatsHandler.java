package io.cometbridge.server;

import com.google.gson.stream.JsonWriter;
import io.cometbridge.api.Cohort;
import io.cometbridge.api.TransportKind;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.Session;
import io.cometbridge.session.SessionStats;
import io.cometbridge.session.TransportTotals;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET {prefix}/stats}: the A/B figures as JSON (docs/PROTOCOL.md section 10). Totals per
 * transport since start (closed sessions included), live sessions per transport, bytes no session
 * claimed, the server process's CPU time and memory, and up to {@code ?sessions=N} live sessions
 * (default 100, {@code 0} for none) by their non-secret statistics label. Session ids never appear.
 * Answers {@code Cache-Control: no-store}. Off unless the server turns it on; with a token, a
 * request without {@code Authorization: Bearer <token>} gets {@code 401 unauthorized}.
 */
public final class StatsHandler extends Handler.Abstract.NonBlocking {
    static final int DEFAULT_SESSIONS = 100;
    static final int MAX_SESSIONS = 100_000;

    private final Bridge bridge;
    private final BearerToken token;
    private final long startMillis = System.currentTimeMillis();

    public StatsHandler(Bridge bridge) {
        this(bridge, null);
    }

    /** @param token the bearer token a request must present, or null for none */
    public StatsHandler(Bridge bridge, String token) {
        this.bridge = bridge;
        this.token = new BearerToken(token, "stats", "statistics");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!token.admit(request, response, callback)) return true;
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            response.setStatus(405);
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap("{\"error\":\"method_not_allowed\",\"message\":\"use GET\"}"
                    .getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
        int limit = DEFAULT_SESSIONS;
        Fields query = Request.extractQueryParameters(request);
        String s = query.getValue("sessions");
        if (s != null) {
            try {
                limit = Math.max(0, Math.min(MAX_SESSIONS, Integer.parseInt(s)));
            } catch (NumberFormatException e) {
                limit = DEFAULT_SESSIONS;
            }
        }
        byte[] body = json(limit).getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, HttpMethod.HEAD.is(method) ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
        return true;
    }

    /** The statistics document, with at most {@code sessionLimit} sessions listed. */
    public String json(int sessionLimit) {
        StringWriter text = new StringWriter(4096);
        try (JsonWriter out = new JsonWriter(text)) {
            out.beginObject();
            out.name("v").value(1);
            out.name("time").value(System.currentTimeMillis());
            out.name("uptimeMillis").value(System.currentTimeMillis() - startMillis);

            Map<TransportKind, Integer> live = new EnumMap<>(TransportKind.class);
            Map<Cohort, Integer> inCohort = new EnumMap<>(Cohort.class);
            int detached = 0, count = 0;
            long replayMessages = 0, replayBytes = 0;
            for (Session session : bridge.sessions()) {
                inCohort.merge(session.cohort(), 1, Integer::sum);
                TransportKind k = session.transport();
                if (k == null) detached++;
                else live.merge(k, 1, Integer::sum);
                count++;
                replayMessages += session.replayMessages();
                replayBytes += session.replayBytes();
            }
            out.name("sessions").beginObject()
                    .name("live").value(count)
                    .name("detached").value(detached)
                    .name("opened").value(bridge.sessionsOpened())
                    .endObject();

            TransportTotals totals = bridge.totals();
            TransportTotals.Snapshot counters = totals.snapshot(); // one fold for every counter below
            out.name("transports").beginObject();
            for (TransportKind k : TransportKind.values()) {
                out.name(k.wireName()).beginObject();
                out.name("sessions").value(live.getOrDefault(k, 0));
                for (SessionStats.Counter c : SessionStats.Counter.values()) out.name(c.jsonName()).value(counters.get(k, c));
                out.endObject();
            }
            out.endObject();
            writeCohorts(out, counters, inCohort);
            out.name("unattributed").beginObject()
                    .name("wireBytesIn").value(totals.unattributedBytesIn())
                    .name("wireBytesOut").value(totals.unattributedBytesOut())
                    .name("httpRequests").value(totals.unattributedRequests())
                    .endObject();
            out.name("replayBuffer").beginObject()
                    .name("messages").value(replayMessages)
                    .name("bytes").value(replayBytes)
                    .endObject();
            out.name("pollHolds").beginObject()
                    .name("count").value(totals.pollHolds())
                    .name("totalMillis").value(totals.pollHoldNanosTotal() / 1_000_000)
                    .name("maxMillis").value(totals.pollHoldMaxNanos() / 1_000_000)
                    .endObject();
            writeCounts(out, "closesByCode", totals.closesByCode().snapshot());
            writeCounts(out, "fallbacksByReason", totals.fallbacksByReason().snapshot());

            writeProcess(out);

            out.name("sessionList").beginArray();
            int listed = 0;
            for (Session session : bridge.sessions()) {
                if (listed >= sessionLimit) break;
                listed++;
                SessionStats st = session.stats();
                TransportKind k = session.transport();
                out.beginObject();
                out.name("label").value(st.label()); // never the id: it is a secret
                out.name("cohort").value(st.cohort().wireName());
                out.name("transport").value(k == null ? null : k.wireName());
                out.name("state").value(session.state().name().toLowerCase());
                for (TransportKind kind : TransportKind.values()) {
                    if (st.get(kind, SessionStats.Counter.ATTACHES) == 0 && st.get(kind, SessionStats.Counter.WIRE_BYTES_IN) == 0) continue;
                    out.name(kind.wireName()).beginObject();
                    for (SessionStats.Counter c : SessionStats.Counter.values()) out.name(c.jsonName()).value(st.get(kind, c));
                    out.endObject();
                }
                out.endObject();
            }
            out.endArray();
            out.name("sessionListTruncated").value(listed < count);
            out.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /**
     * The same totals split by A/B cohort (docs/PROTOCOL.md 10.3): the share, and per cohort its
     * live sessions and the counters of the native transports (the cohorts' own: polling, WebSocket).
     */
    private void writeCohorts(JsonWriter out, TransportTotals.Snapshot counters, Map<Cohort, Integer> live) throws IOException {
        out.name("abPollingShare").value(bridge.config().abPollingShare());
        out.name("cohorts").beginObject();
        for (Cohort cohort : Cohort.values()) {
            out.name(cohort.wireName()).beginObject();
            out.name("sessions").value(live.getOrDefault(cohort, 0));
            for (TransportKind k : List.of(TransportKind.WEBSOCKET, TransportKind.POLLING)) {
                out.name(k.wireName()).beginObject();
                for (SessionStats.Counter c : SessionStats.Counter.values()) out.name(c.jsonName()).value(counters.get(cohort, k, c));
                out.endObject();
            }
            out.endObject();
        }
        out.endObject();
    }

    private static void writeCounts(JsonWriter out, String name, Map<String, Long> counts) throws IOException {
        out.name(name).beginObject();
        for (Map.Entry<String, Long> e : counts.entrySet()) out.name(e.getKey()).value(e.getValue());
        out.endObject();
    }

    private static void writeProcess(JsonWriter out) throws IOException {
        out.name("process").beginObject();
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long cpu = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
        out.name("cpuNanos").value(cpu);
        out.name("availableProcessors").value(Runtime.getRuntime().availableProcessors());
        out.name("heapUsedBytes").value(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        out.name("rssBytes").value(rssBytes());
        out.name("threads").value(ManagementFactory.getThreadMXBean().getThreadCount());
        out.endObject();
    }

    /** Resident set size from /proc (Linux), or -1. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
