package io.cometbridge.samples.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code BenchServer --floor} (docs/BENCHMARK.md, "The Jetty floor") answers the benchmark's echo
 * on both transports with its minimal handlers, in front of the bridge's own endpoints: an attach
 * gets an open frame, a message comes back under the floor's own numbering.
 */
class BenchFloorTest {
    private BenchServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        server = BenchServer.startInProcess(true);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void webSocketFloorOpensAndEchoes() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/bridge/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        socket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        try {
            ws.sendText("{\"t\":\"attach\",\"last\":0}", true).get(5, TimeUnit.SECONDS);
            assertThat(received.poll(5, TimeUnit.SECONDS)).startsWith("{\"t\":\"open\",\"sid\":\"floor-");
            ws.sendText("[7,\"hello, \\\"floor\\\"\",0]", true).get(5, TimeUnit.SECONDS);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("[1,\"hello, \\\"floor\\\"\"]");
        } finally {
            ws.abort();
        }
    }

    @Test
    void pollingFloorOpensAndEchoes() throws Exception {
        HttpResponse<String> open = post("/attach", null, "{\"t\":\"attach\",\"last\":0}");
        assertThat(open.statusCode()).isEqualTo(200);
        String sid = open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
        assertThat(sid).startsWith("floor-");
        HttpResponse<String> echo = post("/recv", sid, "[[1,\"hello\"],{\"t\":\"ack\",\"a\":0}]");
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.body()).contains("[1,\"hello\"]");
    }

    private HttpResponse<String> post(String endpoint, String sid, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/bridge/poll" + endpoint))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (sid != null) b.header("X-Bridge-Session", sid);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
