package io.cometbridge.polling;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.session.SessionIds;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input gets its documented error (PROTOCOL.md section 5) and leaves other sessions alone:
 * after every case, a healthy client on each transport still round-trips a message.
 */
class BadInputTest {
    /** The resume key of each session attached by hand (polling requests present it: X-Bridge-Key). */
    static final java.util.Map<String, String> KEYS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_MESSAGE = 1000;
    private static TestServer server;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static BridgeClient healthyWs, healthyPoll;
    private static final ClientLog wsLog = new ClientLog(), pollLog = new ClientLog();

    @BeforeAll
    static void start() throws Exception {
        BridgeConfig config = TestServer.config().maxMessageBytes(MAX_MESSAGE).maxRequestBytes(10_000).build();
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), config, List.of(new LongPollingModule()));
        healthyWs = BridgeClient.builder(server.uri()).transports(TransportKind.WEBSOCKET).listener(wsLog).build();
        healthyPoll = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING).listener(pollLog).build();
        healthyWs.connect().get();
        healthyPoll.connect().get();
    }

    @AfterAll
    static void stop() throws Exception {
        healthyWs.close();
        healthyPoll.close();
        server.close();
    }

    /** Other sessions carry on: both healthy clients still get their echo. */
    @AfterEach
    void othersUntouched() throws Exception {
        int ws = wsLog.messages.size(), poll = pollLog.messages.size();
        healthyWs.send("still here").get();
        healthyPoll.send("still here").get();
        await().atMost(Duration.ofSeconds(5)).until(() -> wsLog.messages.size() == ws + 1 && pollLog.messages.size() == poll + 1);
        assertThat(server.app.closed).isEmpty();
        assertThat(healthyWs.transport()).isEqualTo(TransportKind.WEBSOCKET);
        assertThat(healthyPoll.transport()).isEqualTo(TransportKind.POLLING);
    }

    // ---------------------------------------------------------------- HTTP helpers

    private static HttpResponse<String> post(String endpoint, String sid, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/poll/" + endpoint))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (sid != null) b.header("X-Bridge-Session", sid);
        if (sid != null && KEYS.containsKey(sid)) b.header("X-Bridge-Key", KEYS.get(sid));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String endpoint, String sid, String body) throws Exception {
        return post(endpoint, sid, "application/json", body);
    }

    private static void assertError(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
        assertThat(body.get("error").getAsString()).isEqualTo(error);
        assertThat(body.get("message").getAsString()).isNotBlank();
    }

    /** A fresh polling session, by hand. */
    private static String attachPolling() throws Exception {
        HttpResponse<String> r = post("attach", null, "{\"t\":\"attach\",\"last\":0}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject open = JsonParser.parseString(r.body()).getAsJsonArray().get(0).getAsJsonObject();
        KEYS.put(open.get("sid").getAsString(), open.get("key").getAsString());
        return open.get("sid").getAsString();
    }

    // ---------------------------------------------------------------- HTTP cases

    @Test
    void malformedJsonOnAttach() throws Exception {
        assertError(post("attach", null, "{\"t\":\"attach\","), 400, "malformed");
    }

    @Test
    void malformedJsonOnSend() throws Exception {
        String sid = attachPolling();
        assertError(post("send", sid, "[[1,\"a\""), 400, "malformed");
        assertError(post("send", sid, "[[\"one\",\"a\"]]"), 400, "malformed");
    }

    @Test
    void unknownSession() throws Exception {
        assertError(post("recv", SessionIds.next(), "[{\"t\":\"ack\",\"a\":0}]"), 404, "unknown_session");
        assertError(post("send", "not-even-an-id", "[]"), 404, "unknown_session");
    }

    @Test
    void missingSessionHeader() throws Exception {
        assertError(post("recv", null, "[{\"t\":\"ack\",\"a\":0}]"), 400, "missing_session");
    }

    @Test
    void oversizedRequestBody() throws Exception {
        String sid = attachPolling();
        assertError(post("send", sid, "[[1,\"" + "x".repeat(20_000) + "\"]]"), 413, "too_large");
    }

    @Test
    void oversizedMessageInsideABatch() throws Exception {
        String sid = attachPolling();
        assertError(post("send", sid, "[[1,\"" + "x".repeat(MAX_MESSAGE + 1) + "\"]]"), 413, "too_large");
    }

    @Test
    void secondConcurrentPollEndsTheFirst() throws Exception {
        String sid = attachPolling();
        String recv = "[{\"t\":\"ack\",\"a\":0}]";
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(HttpRequest.newBuilder(URI.create(server.uri() + "/poll/recv"))
                .header("Content-Type", "application/json").header("X-Bridge-Session", sid).header("X-Bridge-Key", KEYS.get(sid))
                .POST(HttpRequest.BodyPublishers.ofString(recv)).build(), HttpResponse.BodyHandlers.ofString());
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);
        CompletableFuture<HttpResponse<String>> second = http.sendAsync(HttpRequest.newBuilder(URI.create(server.uri() + "/poll/recv"))
                .header("Content-Type", "application/json").header("X-Bridge-Session", sid).header("X-Bridge-Key", KEYS.get(sid))
                .POST(HttpRequest.BodyPublishers.ofString(recv)).build(), HttpResponse.BodyHandlers.ofString());
        assertError(first.get(), 409, "poll_conflict");
        assertThat(second).isNotDone(); // the newer poll is the one held
        post("send", sid, "[{\"t\":\"close\",\"code\":1000,\"reason\":\"done\"}]");
        second.get();
        server.app.closed.clear(); // this session closed on purpose
    }

    @Test
    void wrongMethodAndContentType() throws Exception {
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/poll/recv")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(get, 405, "method_not_allowed");
        assertError(post("attach", null, "text/plain", "{\"t\":\"attach\",\"last\":0}"), 415, "unsupported_media_type");
        HttpResponse<String> nowhere = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/nope")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(nowhere, 404, "not_found");
    }

    @Test
    void sequenceAndAckFromTheFuture() throws Exception {
        String sid = attachPolling();
        assertError(post("send", sid, "[[5,\"skips 1 to 4\"]]"), 400, "bad_sequence");
        assertError(post("send", sid, "[{\"t\":\"ack\",\"a\":99}]"), 400, "bad_sequence");
        assertError(post("recv", sid, "[{\"t\":\"ack\",\"a\":99}]"), 400, "bad_sequence");
        assertError(post("attach", null, "{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"key\":\"" + KEYS.get(sid) + "\",\"last\":7}"), 400, "bad_sequence");
        // The session itself is intact: message 1 is still accepted.
        HttpResponse<String> ok = post("send", sid, "[[1,\"fine\"]]");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("[{\"t\":\"ack\",\"a\":1}]");
    }

    @Test
    void jettyLevelErrorsAreJsonToo() throws Exception {
        // Rejected by Jetty's parser before any handler runs: an oversized header, an h2c-style upgrade.
        for (String request : List.of(
                "GET /bridge/poll/recv HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n",
                "GET /bridge/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n")) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String response = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(response).startsWith("HTTP/1.1 4");
                assertThat(response).containsIgnoringCase("content-type: application/json");
                assertThat(response).contains("\"error\":");
            }
        }
    }

    // ---------------------------------------------------------------- WebSocket cases

    private static RawWebSocket attachedSocket() throws Exception {
        RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null);
        assertThat(ws.upgraded()).isTrue();
        ws.sendText("{\"t\":\"attach\",\"last\":0}");
        assertThat(ws.read().text()).startsWith("{\"t\":\"open\"");
        return ws;
    }

    private static void assertClosedWith(RawWebSocket ws, int code, String error) throws Exception {
        RawWebSocket.Frame f = ws.read();
        if (error != null) {
            assertThat(f.opcode()).isEqualTo(RawWebSocket.TEXT);
            assertThat(f.text()).contains("\"error\":\"" + error + "\"");
            f = ws.readUntilClose();
        } else if (f.opcode() != RawWebSocket.CLOSE) {
            f = ws.readUntilClose();
        }
        assertThat(f.closeCode()).isEqualTo(code);
    }

    @Test
    void webSocketMalformedJson() throws Exception {
        try (RawWebSocket ws = attachedSocket()) {
            ws.sendText("{\"t\":");
            assertClosedWith(ws, 4400, "malformed");
        }
    }

    @Test
    void webSocketTruncatedBinaryFrame() throws Exception {
        try (RawWebSocket ws = attachedSocket()) {
            ws.send(RawWebSocket.BINARY, new byte[]{1, 0, 0}, true);
            assertClosedWith(ws, 4400, "malformed");
        }
    }

    @Test
    void webSocketInvalidUtf8() throws Exception {
        try (RawWebSocket ws = attachedSocket()) {
            ws.send(RawWebSocket.TEXT, new byte[]{'[', '1', ',', '"', (byte) 0xC3, (byte) 0x28, '"', ']'}, true);
            assertClosedWith(ws, 1007, null);
        }
    }

    @Test
    void webSocketOversizedMessage() throws Exception {
        try (RawWebSocket ws = attachedSocket()) {
            ws.sendText("[1,\"" + "x".repeat(MAX_MESSAGE + 1) + "\"]");
            assertClosedWith(ws, 1009, "too_large");
        }
        try (RawWebSocket ws = attachedSocket()) { // beyond even the frame limit: Jetty refuses it itself
            ws.sendText("[1,\"" + "x".repeat(10 * MAX_MESSAGE) + "\"]");
            assertClosedWith(ws, 1009, null);
        }
    }

    @Test
    void webSocketSequenceAndAckFromTheFuture() throws Exception {
        try (RawWebSocket ws = attachedSocket()) {
            ws.sendText("[3,\"gap\"]");
            assertClosedWith(ws, 4400, "bad_sequence");
        }
        try (RawWebSocket ws = attachedSocket()) {
            ws.sendText("{\"t\":\"ack\",\"a\":42}");
            assertClosedWith(ws, 4400, "bad_sequence");
        }
    }

    @Test
    void webSocketUnknownSessionAndDataBeforeAttach() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            ws.sendText("{\"t\":\"attach\",\"sid\":\"" + SessionIds.next() + "\",\"last\":0}");
            assertClosedWith(ws, 4404, "unknown_session");
        }
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            ws.sendText("[1,\"too early\"]");
            assertClosedWith(ws, 4400, "malformed");
        }
    }

    @Test
    void webSocketProbeIsEchoedWithoutASession() throws Exception {
        int sessionsBefore = server.bridge.sessionsOpened();
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            ws.sendText("{\"t\":\"probe\"}");
            assertThat(ws.read().text()).isEqualTo("{\"t\":\"probe\"}");
        }
        assertThat(server.bridge.sessionsOpened()).isEqualTo(sessionsBefore);
    }
}
