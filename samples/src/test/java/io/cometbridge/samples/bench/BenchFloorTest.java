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
 * gets an open frame, a message comes back under the floor's own numbering, and a broadcast
 * reaches the sockets that joined the fan-out room, in order.
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
        WebSocket ws = floorSocket(received); // attached: its open frame taken
        try {
            ws.sendText("[7,\"hello, \\\"floor\\\"\",0]", true).get(5, TimeUnit.SECONDS);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("[1,\"hello, \\\"floor\\\"\"]");
        } finally {
            ws.abort();
        }
    }

    @Test
    void webSocketFloorBroadcastsToTheSocketsThatJoinedInOrder() throws Exception {
        LinkedBlockingQueue<String> joined = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> idle = new LinkedBlockingQueue<>();
        WebSocket member = floorSocket(joined);
        WebSocket bystander = floorSocket(idle);
        try {
            member.sendText("[1,\"j\"]", true).get(5, TimeUnit.SECONDS);
            assertThat(joined.poll(5, TimeUnit.SECONDS)).isEqualTo("[1,\"j\"]");
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/bench/broadcast?rate=50&seconds=0.1&size=32"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(started.body()).isEqualTo("{\"total\":5}");
            for (int n = 1; n <= 5; n++) {
                assertThat(joined.poll(5, TimeUnit.SECONDS)).matches("\\[" + (n + 1) + ",\"f" + n + ":[0-9]+:\\.*\"]");
            }
            assertThat(idle.poll(200, TimeUnit.MILLISECONDS)).as("a socket that did not join").isNull();
        } finally {
            member.abort();
            bystander.abort();
        }
    }

    /** A socket to the floor, attached (its open frame taken), whose later text messages go to {@code received}. */
    private WebSocket floorSocket(LinkedBlockingQueue<String> received) throws Exception {
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/bridge/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        socket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        ws.sendText("{\"t\":\"attach\",\"last\":0}", true).get(5, TimeUnit.SECONDS);
        assertThat(received.poll(5, TimeUnit.SECONDS)).startsWith("{\"t\":\"open\",\"sid\":\"floor-");
        return ws;
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
