package io.cometbridge.polling;

import io.cometbridge.api.CloseReason;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Silent peers are detected within a bounded time and abandoned sessions are reaped: a socket that
 * stops answering pings, and a polling client that stops polling, both end in the grace period and
 * then in a closed, forgotten session.
 */
class HeartbeatAndReapingTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD), TestServer.config()
                .heartbeatInterval(Duration.ofMillis(200))
                .gracePeriod(Duration.ofMillis(300))
                .pollTimeout(Duration.ofMillis(300))
                .build(), List.of(new LongPollingModule()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void silentWebSocketIsDroppedThenItsSessionReaped() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            String sid = ws.read().text().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
            long start = System.nanoTime();
            // Never answer the server's pings: like a proxy that upgraded and then passes nothing.
            RawWebSocket.Frame close = ws.readUntilClose();
            long detectedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(close.closeCode()).isEqualTo(4008);
            assertThat(detectedMillis).isLessThan(2_000);
            await().atMost(Duration.ofSeconds(3)).until(() -> server.app.closed.containsKey(sid));
            assertThat(server.app.closed.get(sid)).isEqualTo(CloseReason.GRACE_EXPIRED);
            assertThat(server.bridge.find(sid)).isNull();
        }
    }

    @Test
    void pingsAnsweredKeepTheSessionAlive() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            String sid = ws.read().text().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
            for (int i = 0; i < 8; i++) { // about 1.6 s, well past 2 x heartbeat + grace
                String ping = ws.read().text();
                assertThat(ping).startsWith("{\"t\":\"ping\"");
                ws.sendText(ping.replace("\"ping\"", "\"pong\""));
            }
            assertThat(server.app.closed).doesNotContainKey(sid);
            assertThat(server.bridge.find(sid)).isNotNull();
        }
    }

    @Test
    void abandonedPollingSessionIsReaped() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> attach = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/poll/attach"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"t\":\"attach\",\"last\":0}")).build(), HttpResponse.BodyHandlers.ofString());
        String sid = attach.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
        // The client never polls: no thread waits, and the session does not leak.
        await().atMost(Duration.ofSeconds(3)).until(() -> server.app.closed.containsKey(sid));
        assertThat(server.app.closed.get(sid)).isEqualTo(CloseReason.GRACE_EXPIRED);
        assertThat(server.bridge.sessionCount()).isZero();
    }
}
