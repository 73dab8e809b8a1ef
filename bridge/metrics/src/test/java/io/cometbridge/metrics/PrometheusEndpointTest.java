package io.cometbridge.metrics;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.server.HealthModule;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Prometheus endpoint of a real server after real traffic over both transports: the text is
 * parsed, and its figures are the ones {@code /stats} shows (one set of counters), the health
 * probes answer, and readiness turns false when the bridge drains.
 */
class PrometheusEndpointTest {
    private static final String TOKEN = "scrape-secret";
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().pollTimeout(Duration.ofMillis(300)).build(),
                List.of(new LongPollingModule(), new HealthModule(), new PrometheusModule(
                        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), TOKEN)),
                b -> b.stats(true));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void scrapeAfterTrafficShowsTheSameCountersAsStats() throws Exception {
        ClientLog wsLog = new ClientLog();
        ClientLog pollLog = new ClientLog();
        try (BridgeClient ws = BridgeClient.builder(server.uri()).transports(TransportKind.WEBSOCKET).listener(wsLog).build();
             BridgeClient poll = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING).listener(pollLog).build()) {
            ws.connect().get();
            poll.connect().get();
            for (int i = 0; i < 5; i++) ws.send("ws " + i);
            for (int i = 0; i < 3; i++) poll.send("poll " + i);
            await().atMost(Duration.ofSeconds(10)).until(() -> wsLog.messages.size() == 5 && pollLog.messages.size() == 3);
            // A quiet poll is held for the poll timeout (300 ms here), then answered empty: a hold is measured.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.bridge.totals().pollHolds() > 0);

            Map<String, Double> m = scrape();
            assertThat(m).containsEntry("cometbridge_sessions{transport=\"websocket\"}", 1.0)
                    .containsEntry("cometbridge_sessions{transport=\"polling\"}", 1.0)
                    .containsEntry("cometbridge_messages_total{cohort=\"control\",direction=\"in\",transport=\"websocket\"}", 5.0)
                    .containsEntry("cometbridge_messages_total{cohort=\"control\",direction=\"in\",transport=\"polling\"}", 3.0)
                    .containsEntry("cometbridge_sessions_opened_total", 2.0)
                    .containsEntry("cometbridge_ready", 1.0);
            assertThat(m.get("cometbridge_messages_total{cohort=\"control\",direction=\"out\",transport=\"websocket\"}")).isGreaterThanOrEqualTo(5.0);
            assertThat(m.get("cometbridge_wire_bytes_total{cohort=\"control\",direction=\"in\",transport=\"websocket\"}")).isPositive();
            assertThat(m.get("cometbridge_wire_bytes_total{cohort=\"control\",direction=\"out\",transport=\"polling\"}")).isPositive();
            assertThat(m.get("cometbridge_http_requests_total{cohort=\"control\",transport=\"polling\"}")).isGreaterThanOrEqualTo(3.0);
            assertThat(m.get("cometbridge_poll_hold_seconds_count")).isPositive();
            assertThat(m.get("cometbridge_poll_hold_seconds_sum")).isPositive();
            assertThat(m).containsKey("cometbridge_replay_buffer_messages");

            JsonObject stats = JsonParser.parseString(RawHttp.get(server.port(), "/bridge/stats?sessions=0", "127.0.0.1", "").body())
                    .getAsJsonObject();
            for (String t : List.of("websocket", "polling")) {
                JsonObject totals = stats.getAsJsonObject("transports").getAsJsonObject(t);
                assertThat(m.get("cometbridge_messages_total{cohort=\"control\",direction=\"in\",transport=\"" + t + "\"}"))
                        .isEqualTo(totals.get("messagesIn").getAsDouble());
                assertThat(m.get("cometbridge_attaches_total{cohort=\"control\",transport=\"" + t + "\"}")).isEqualTo(totals.get("attaches").getAsDouble());
            }
        }
        // Both clients said goodbye: their sessions closed, counted by close code, in both views.
        await().atMost(Duration.ofSeconds(10)).until(() -> server.bridge.sessionCount() == 0);
        Map<String, Double> after = scrape();
        assertThat(after.entrySet().stream().filter(e -> e.getKey().startsWith("cometbridge_closes_total{code="))
                .mapToDouble(Map.Entry::getValue).sum()).isEqualTo(2.0);
        JsonObject closes = JsonParser.parseString(RawHttp.get(server.port(), "/bridge/stats?sessions=0", "127.0.0.1", "").body())
                .getAsJsonObject().getAsJsonObject("closesByCode");
        for (String code : closes.keySet()) {
            assertThat(after).containsEntry("cometbridge_closes_total{code=\"" + code + "\"}", closes.get(code).getAsDouble());
        }
        assertThat(after).containsEntry("cometbridge_sessions{transport=\"websocket\"}", 0.0);
    }

    @Test
    void scrapesNeedTheToken() throws Exception {
        RawHttp.Response none = RawHttp.get(server.port(), "/bridge/metrics", "127.0.0.1", "");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(none.body()).contains("\"error\":\"unauthorized\"");
        RawHttp.Response wrong = RawHttp.get(server.port(), "/bridge/metrics", "127.0.0.1", "Authorization: Bearer nope\r\n");
        assertThat(wrong.status()).isEqualTo(401);
    }

    @Test
    void healthAndReadinessAnswerAndReadinessFallsWhenTheBridgeDrains() throws Exception {
        assertThat(RawHttp.get(server.port(), "/bridge/healthz", "127.0.0.1", "").status()).isEqualTo(200);
        RawHttp.Response ready = RawHttp.get(server.port(), "/bridge/readyz", "127.0.0.1", "");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"up\"}");
        assertThat(ready.header("Cache-Control")).isEqualTo("no-store");
        // Other paths under the prefix still reach their own contexts, and the prefix itself is no redirect.
        assertThat(RawHttp.get(server.port(), "/bridge/stats?sessions=0", "127.0.0.1", "").status()).isEqualTo(200);
        assertThat(RawHttp.get(server.port(), "/bridge", "127.0.0.1", "").status()).isEqualTo(404);
        assertThat(RawHttp.get(server.port(), "/bridge/healthzz", "127.0.0.1", "").status()).isEqualTo(404);

        server.bridge.shutdown(Duration.ZERO); // what a graceful stop does first; Jetty still answers
        RawHttp.Response draining = RawHttp.get(server.port(), "/bridge/readyz", "127.0.0.1", "");
        assertThat(draining.status()).isEqualTo(503);
        assertThat(draining.body()).isEqualTo("{\"status\":\"draining\"}");
        assertThat(RawHttp.get(server.port(), "/bridge/healthz", "127.0.0.1", "").status()).isEqualTo(200);
        assertThat(scrape()).containsEntry("cometbridge_ready", 0.0);
    }

    /** The scrape, parsed: sample name with its labels (as printed) to value; comments skipped. */
    private Map<String, Double> scrape() throws Exception {
        RawHttp.Response r = RawHttp.get(server.port(), "/bridge/metrics", "127.0.0.1", "Authorization: Bearer " + TOKEN + "\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        Map<String, Double> samples = new TreeMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }
}
