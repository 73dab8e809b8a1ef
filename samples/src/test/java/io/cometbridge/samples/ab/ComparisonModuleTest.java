package io.cometbridge.samples.ab;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.samples.Main;
import io.cometbridge.samples.RunningServer;
import io.cometbridge.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code {prefix}/ab/compare} of the server started as from the command line: a comparison runs
 * real Java clients over both transports and reports each figure's median and spread; one runs at
 * a time (409); the statistics token guards it; a plan out of bounds is refused with the reason.
 */
class ComparisonModuleTest {
    private static final String PATH = "/bridge/ab/compare";

    @Test
    void aComparisonReportsBothTransportsAndASecondStartWhileItRunsGets409(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "s3cret\n");
        try (RunningServer server = Main.start("--port", "0", "--drain", "200ms", "--stats", "--stats-token-file", token.toString())) {
            int port = server.port();
            String auth = "Authorization: Bearer s3cret\r\n";
            assertThat(RawHttp.get(port, PATH, host(port), auth).status()).as("none has run yet").isEqualTo(404);
            assertThat(RawHttp.post(port, PATH, host(port), "", "").status()).as("without the token").isEqualTo(401);
            RawHttp.Response bad = RawHttp.post(port, PATH + "?sessions=500", host(port), auth, "");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("\"error\":\"malformed\"", "sessions must be from 1 to 50");

            RawHttp.Response started = RawHttp.post(port, PATH + "?sessions=3&messages=20&runs=2", host(port), auth, "");
            assertThat(started.status()).isEqualTo(202);
            assertThat(json(started).get("state").getAsString()).isEqualTo("running");
            RawHttp.Response again = RawHttp.post(port, PATH, host(port), auth, "");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body()).contains("\"error\":\"comparison_running\"");

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !json(RawHttp.get(port, PATH, host(port), auth)).get("state").getAsString().equals("running"));
            JsonObject done = json(RawHttp.get(port, PATH, host(port), auth));
            assertThat(done.get("state").getAsString()).as(done.toString()).isEqualTo("done");
            assertThat(done.getAsJsonObject("progress").get("done").getAsInt()).isEqualTo(4);
            for (String t : List.of("websocket", "polling")) {
                JsonObject figures = done.getAsJsonObject("transports").getAsJsonObject(t);
                for (String f : List.of("latencyMs", "wireBytesPerMessage", "httpRequestsPerMessage", "messagesPerSecond")) {
                    JsonObject s = figures.getAsJsonObject(f);
                    assertThat(s.getAsJsonArray("runs")).as(t + " " + f).hasSize(2);
                    assertThat(s.get("median").getAsDouble()).as(t + " " + f).isPositive();
                    assertThat(s.get("min").getAsDouble()).isLessThanOrEqualTo(s.get("median").getAsDouble());
                    assertThat(s.get("max").getAsDouble()).isGreaterThanOrEqualTo(s.get("median").getAsDouble());
                }
            }
            JsonObject t = done.getAsJsonObject("transports");
            // Long-polling pays HTTP requests per message; a WebSocket pays only its upgrade, over all 20 messages of a session.
            assertThat(t.getAsJsonObject("polling").getAsJsonObject("httpRequestsPerMessage").get("median").getAsDouble())
                    .isGreaterThan(t.getAsJsonObject("websocket").getAsJsonObject("httpRequestsPerMessage").get("median").getAsDouble());
            // A new one may start once it is done.
            assertThat(RawHttp.post(port, PATH + "?sessions=1&messages=1&runs=1", host(port), auth, "").status()).isEqualTo(202);
        }
    }

    @Test
    void offWithoutStatistics() throws Exception {
        try (RunningServer server = Main.start("--port", "0", "--drain", "200ms")) {
            RawHttp.Response r = RawHttp.post(server.port(), PATH, host(server.port()), "", "");
            assertThat(r.status()).isEqualTo(404);
        }
    }

    @Test
    void planBounds() {
        assertThat(ComparisonPlan.of(n -> null)).isEqualTo(ComparisonPlan.DEFAULT);
        assertThat(ComparisonPlan.of(n -> n.equals("runs") ? "5" : null).runs()).isEqualTo(5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ComparisonPlan.of(n -> n.equals("runs") ? "0" : null))
                .hasMessage("runs must be from 1 to 10, not 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ComparisonPlan.of(n -> n.equals("messages") ? "ten" : null))
                .hasMessage("messages must be a whole number, not 'ten'");
        assertThat(Spread.of(List.of(3.0, 1.0, 2.0, Double.NaN))).satisfies(s -> {
            assertThat(s.median()).isEqualTo(2.0);
            assertThat(s.min()).isEqualTo(1.0);
            assertThat(s.max()).isEqualTo(3.0);
            assertThat(s.p25()).isEqualTo(1.5);
        });
    }

    private static String host(int port) {
        return "127.0.0.1:" + port;
    }

    private static JsonObject json(RawHttp.Response r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }
}
