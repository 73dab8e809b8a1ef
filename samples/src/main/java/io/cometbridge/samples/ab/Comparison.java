package io.cometbridge.samples.ab;

import com.google.gson.stream.JsonWriter;
import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.TransportKind;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One on-demand A/B comparison and its progress: the same synthetic echo workload over WebSocket
 * and long-polling, run after run (the two alternate which goes first), against a bridge of its
 * own on a loopback port, so that neither the live sessions' figures nor their rate limits are
 * touched. Runs on the thread that calls {@link #run()}; any thread reads {@link #json()}.
 */
final class Comparison implements Runnable {
    private static final List<TransportKind> KINDS = List.of(TransportKind.WEBSOCKET, TransportKind.POLLING);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    private final ComparisonPlan plan;
    private final long startedAt = System.currentTimeMillis();
    private final Map<TransportKind, List<Map<String, Double>>> figures = new EnumMap<>(TransportKind.class);
    private volatile String state = "running";
    private volatile String step = "starting";
    private volatile int stepsDone;
    private volatile long finishedAt;
    private volatile String error;

    Comparison(ComparisonPlan plan) {
        this.plan = plan;
        for (TransportKind k : KINDS) figures.put(k, new ArrayList<>());
    }

    boolean running() {
        return "running".equals(state);
    }

    @Override
    public void run() {
        BridgeConfig config = BridgeConfig.builder().newSessionsPerSecond(1_000_000).newSessionBurst(1_000_000).build();
        try (Bridge bridge = Bridge.builder(new Echo()).config(config).build()) {
            BridgeServer server = BridgeServer.builder(bridge).host("127.0.0.1").port(0).module(new LongPollingModule()).build().start();
            try {
                for (int r = 1; r <= plan.runs(); r++) {
                    List<TransportKind> order = r % 2 == 1 ? KINDS : List.of(KINDS.get(1), KINDS.get(0)); // neither always goes first
                    for (TransportKind kind : order) {
                        step = "run " + r + "/" + plan.runs() + ": " + kind.wireName();
                        Map<String, Double> m = ComparisonStep.run(bridge, server.uri(), kind, plan, STEP_TIMEOUT);
                        synchronized (figures) { // the run's thread adds, readers copy: not a hot path
                            figures.get(kind).add(m);
                        }
                        stepsDone++;
                    }
                }
                step = "done";
                state = "done";
            } finally {
                server.close();
            }
        } catch (Exception | Error e) {
            error = String.valueOf(e.getMessage() != null ? e.getMessage() : e);
            step = "failed";
            state = "failed";
        } finally {
            finishedAt = System.currentTimeMillis();
        }
    }

    /** The state, the plan, the progress and the figures so far: per transport, each figure's median and spread over the runs. */
    String json() {
        StringWriter text = new StringWriter(2048);
        try (JsonWriter out = new JsonWriter(text)) {
            out.beginObject();
            out.name("state").value(state);
            out.name("plan").beginObject().name("sessions").value(plan.sessions()).name("messages").value(plan.messages())
                    .name("runs").value(plan.runs()).name("payload").value(plan.payload()).endObject();
            out.name("progress").beginObject().name("done").value(stepsDone).name("total").value(plan.steps())
                    .name("step").value(step).endObject();
            out.name("startedAt").value(startedAt);
            if (finishedAt != 0) out.name("finishedAt").value(finishedAt);
            if (error != null) out.name("error").value(error);
            out.name("transports").beginObject();
            for (TransportKind kind : KINDS) {
                out.name(kind.wireName()).beginObject();
                for (Map.Entry<String, List<Double>> f : byFigure(kind).entrySet()) writeSpread(out, f.getKey(), Spread.of(f.getValue()));
                out.endObject();
            }
            out.endObject();
            out.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private Map<String, List<Double>> byFigure(TransportKind kind) {
        Map<String, List<Double>> by = new LinkedHashMap<>();
        synchronized (figures) {
            for (Map<String, Double> run : figures.get(kind)) {
                run.forEach((name, v) -> by.computeIfAbsent(name, k -> new ArrayList<>()).add(v));
            }
        }
        return by;
    }

    private static void writeSpread(JsonWriter out, String name, Spread s) throws IOException {
        out.name(name).beginObject();
        number(out.name("median"), s.median());
        number(out.name("min"), s.min());
        number(out.name("p25"), s.p25());
        number(out.name("p75"), s.p75());
        number(out.name("max"), s.max());
        out.name("runs").beginArray();
        for (double v : s.runs()) number(out, v);
        out.endArray();
        out.endObject();
    }

    private static void number(JsonWriter out, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) out.nullValue();
        else out.value(v);
    }

    /** The comparison's application: every message comes back to its sender. */
    private static final class Echo implements BridgeHandler {
        @Override
        public void onMessage(BridgeSession session, Message message) {
            session.send(message);
        }
    }
}
