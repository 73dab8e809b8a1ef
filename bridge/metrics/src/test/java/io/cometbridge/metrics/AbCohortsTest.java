package io.cometbridge.metrics;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.api.Cohort;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.session.Session;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The A/B split (PROTOCOL.md 10.3) on a real server with real Java clients: who lands in which
 * cohort, the WebSocket refusal a polling-cohort session gets (and that its client carries on over
 * long-polling), and the counters by cohort in /stats and in a parsed Prometheus scrape.
 */
class AbCohortsTest {
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");
    private static final Pattern KEY = Pattern.compile("\"key\":\"([^\"]+)\"");
    private TestServer server;

    private TestServer start(double share) throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO),
                TestServer.config().pollTimeout(Duration.ofMillis(500)).abPollingShare(share).build(),
                List.of(new LongPollingModule(), new PrometheusModule(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null)),
                b -> b.stats(true));
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    void shareOnePutsEverySessionOnPollingAndRefusesItWebSocket() throws Exception {
        start(1.0);
        ClientLog log = new ClientLog();
        try (BridgeClient client = BridgeClient.builder(server.uri()).listener(log).build()) { // WebSocket first, as by default
            client.connect().get();
            await().atMost(Duration.ofSeconds(20)).until(() -> client.transport() == TransportKind.POLLING);
            for (int i = 0; i < 3; i++) client.send("hello " + i);
            await().atMost(Duration.ofSeconds(20)).until(() -> log.messages.size() == 3);
            assertThat(client.transport()).isEqualTo(TransportKind.POLLING);
            assertThat(log.closes).isEmpty();
            assertThat(log.sessionsLost).isEmpty();
            assertThat(server.bridge.sessions()).extracting(Session::cohort).containsOnly(Cohort.POLLING);

            JsonObject cohorts = stats().getAsJsonObject("cohorts");
            JsonObject polling = cohorts.getAsJsonObject("polling");
            assertThat(polling.get("sessions").getAsInt()).isEqualTo(1);
            assertThat(polling.getAsJsonObject("polling").get("messagesIn").getAsLong()).isEqualTo(3);
            assertThat(cohorts.getAsJsonObject("control").get("sessions").getAsInt()).isZero();
            assertThat(cohorts.getAsJsonObject("control").getAsJsonObject("polling").get("messagesIn").getAsLong()).isZero();
            Map<String, Double> m = scrape();
            assertThat(m).containsEntry("cometbridge_messages_total{cohort=\"polling\",direction=\"in\",transport=\"polling\"}", 3.0)
                    .containsEntry("cometbridge_messages_total{cohort=\"control\",direction=\"in\",transport=\"polling\"}", 0.0)
                    .containsEntry("cometbridge_cohort_sessions{cohort=\"polling\"}", 1.0);
            assertThat(m.get("cometbridge_wire_bytes_total{cohort=\"polling\",direction=\"out\",transport=\"polling\"}"))
                    .isEqualTo(polling.getAsJsonObject("polling").get("wireBytesOut").getAsDouble());
            assertThat(m.get("cometbridge_round_trip_seconds_count{cohort=\"polling\",transport=\"polling\"}")).isPositive();
            assertThat(m).containsKey("cometbridge_session_cpu_seconds_total{cohort=\"polling\",transport=\"polling\"}");
        }
    }

    @Test
    void aPollingCohortSessionIsOpenedOverWebSocketThenMovedAndItsResumeThereIsRefused() throws Exception {
        start(1.0);
        String sid, key;
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            String open = ws.read().text();
            assertThat(open).startsWith("{\"t\":\"open\"").contains("\"cohort\":\"polling\"");
            sid = group(SID, open);
            key = group(KEY, open);
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(4412);
        }
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) { // a resume over WebSocket: refused
            ws.sendText("{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"key\":\"" + key + "\",\"last\":0}");
            assertThat(ws.read().text()).contains("\"error\":\"polling_cohort\"");
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(4412);
        }
        RawHttp.Response resumed = RawHttp.post(server.port(), "/bridge/poll/attach", "127.0.0.1:" + server.port(), "",
                "{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"key\":\"" + key + "\",\"last\":0}");
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.body()).contains("\"resumed\":true", "\"cohort\":\"polling\"");
    }

    @Test
    void shareZeroPutsNoSessionOnPollingAndTheOpenFrameNamesNoCohort() throws Exception {
        start(0);
        ClientLog log = new ClientLog();
        try (BridgeClient client = BridgeClient.builder(server.uri()).listener(log).build();
             RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            client.connect().get();
            client.send("hi");
            await().atMost(Duration.ofSeconds(20)).until(() -> log.messages.size() == 1);
            assertThat(client.transport()).isEqualTo(TransportKind.WEBSOCKET);
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            assertThat(ws.read().text()).startsWith("{\"t\":\"open\"").doesNotContain("cohort");
            assertThat(server.bridge.sessions()).hasSize(2).extracting(Session::cohort).containsOnly(Cohort.CONTROL);
            JsonObject stats = stats();
            assertThat(stats.get("abPollingShare").getAsDouble()).isZero();
            assertThat(stats.getAsJsonObject("cohorts").getAsJsonObject("polling").get("sessions").getAsInt()).isZero();
            assertThat(stats.getAsJsonObject("cohorts").getAsJsonObject("control").getAsJsonObject("websocket").get("messagesIn").getAsLong())
                    .isEqualTo(1);
        }
    }

    @Test
    void shareOneHalfGivesBothCohortsOverTwoHundredSessions() throws Exception {
        start(0.5);
        int polling = 0;
        for (int i = 0; i < 200; i++) {
            RawHttp.Response r = RawHttp.post(server.port(), "/bridge/poll/attach", "127.0.0.1:" + server.port(), "", "{\"t\":\"attach\",\"last\":0}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).containsAnyOf("\"cohort\":\"polling\"", "\"cohort\":\"control\"");
            if (r.body().contains("\"cohort\":\"polling\"")) polling++;
        }
        // 200 fair draws: 100 ± 7 (one standard deviation); 60..140 is more than five of them.
        assertThat(polling).isBetween(60, 140);
        JsonObject cohorts = stats().getAsJsonObject("cohorts");
        assertThat(cohorts.getAsJsonObject("polling").get("sessions").getAsInt()).isEqualTo(polling);
        assertThat(cohorts.getAsJsonObject("control").get("sessions").getAsInt()).isEqualTo(200 - polling);
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("cometbridge_cohort_sessions{cohort=\"polling\"}", (double) polling)
                .containsEntry("cometbridge_attaches_total{cohort=\"control\",transport=\"polling\"}", (double) (200 - polling));
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertThat(m.find()).as(p + " in " + text).isTrue();
        return m.group(1);
    }

    private JsonObject stats() throws Exception {
        RawHttp.Response r = RawHttp.get(server.port(), "/bridge/stats?sessions=0", "127.0.0.1", "");
        assertThat(r.status()).isEqualTo(200);
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private Map<String, Double> scrape() throws Exception {
        RawHttp.Response r = RawHttp.get(server.port(), "/bridge/metrics", "127.0.0.1", "");
        assertThat(r.status()).isEqualTo(200);
        Map<String, Double> samples = new TreeMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }
}
