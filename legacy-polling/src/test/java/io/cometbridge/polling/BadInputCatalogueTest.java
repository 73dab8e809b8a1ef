package io.cometbridge.polling;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.session.SessionIds;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bad-input catalogue (docs/BAD_INPUT.md): every row there is one named case here, with the
 * status or close code the table states. After every case, a healthy client on each transport
 * still round-trips a message, so no bad input ever touches another session.
 *
 * <p>{@link #everyRowIsDocumented()} keeps the table and the cases in step: each row id with its
 * expected outcome must appear in docs/BAD_INPUT.md.
 */
class BadInputCatalogueTest {
    /** The resume key of each session attached by hand (polling requests present it: X-Bridge-Key). */
    static final java.util.Map<String, String> KEYS = new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_MESSAGE = 1000;
    static final int MAX_REQUEST = 10_000;
    /** Jetty's idle timeout in this test, so slowloris rows end in seconds. */
    static final int IDLE_TIMEOUT_MILLIS = 2_000;

    private static TestServer server;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static BridgeClient healthyWs, healthyPoll;
    private static final ClientLog wsLog = new ClientLog(), pollLog = new ClientLog();

    @FunctionalInterface
    interface Check {
        void run() throws Exception;
    }

    /** One row of the catalogue: id, what is sent, what the server answers. */
    record Row(String id, String input, String expected, Check check) {
    }

    private static final List<Row> ROWS = new ArrayList<>();

    private static void row(String id, String input, String expected, Check check) {
        ROWS.add(new Row(id, input, expected, check));
    }

    @BeforeAll
    static void start() throws Exception {
        BridgeConfig config = TestServer.config()
                .maxMessageBytes(MAX_MESSAGE)
                .maxRequestBytes(MAX_REQUEST)
                .attachTimeout(Duration.ofMillis(1500))
                .pollTimeout(Duration.ofMillis(1000)) // below the short idle timeout: held polls never idle out
                .build();
        // Every attach goes through an authenticator: "as-NAME" is user NAME, no token is "anonymous", "refuse-me" is refused.
        Authenticator users = Authenticator.of(r -> "refuse-me".equals(r.token()) ? AuthResult.refuse("not a user")
                : AuthResult.accept(r.token() != null && r.token().startsWith("as-") ? r.token().substring(3) : "anonymous"));
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), config, List.of(new LongPollingModule()), b -> { }, users);
        // A short Jetty idle timeout (new connections only; WebSockets set their own after the upgrade).
        ((ServerConnector) server.server.jetty().getConnectors()[0]).setIdleTimeout(IDLE_TIMEOUT_MILLIS);
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

    /** Other sessions carry on: both healthy clients still get their echo, on their own transport. */
    @AfterEach
    void othersUntouched() throws Exception {
        roundTrip(Duration.ofSeconds(10));
        assertThat(server.app.closed).doesNotContainKeys(healthyWs.sessionId(), healthyPoll.sessionId());
        assertThat(healthyWs.transport()).isEqualTo(TransportKind.WEBSOCKET);
        assertThat(healthyPoll.transport()).isEqualTo(TransportKind.POLLING);
    }

    private static void roundTrip(Duration within) throws Exception {
        int ws = wsLog.messages.size(), poll = pollLog.messages.size();
        healthyWs.send("still here").get(within.toMillis(), TimeUnit.MILLISECONDS);
        healthyPoll.send("still here").get(within.toMillis(), TimeUnit.MILLISECONDS);
        await().atMost(within).until(() -> wsLog.messages.size() > ws && pollLog.messages.size() > poll);
    }

    static Stream<Named<Check>> rows() {
        return ROWS.stream().map(r -> Named.of(r.id() + " " + r.input() + " → " + r.expected(), r.check()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void row(Check check) throws Exception {
        check.run();
    }

    @Test
    void everyRowIsDocumented() throws IOException {
        Path doc = Path.of("..", "docs", "BAD_INPUT.md");
        String text = Files.readString(doc);
        assertThat(ROWS).hasSizeGreaterThanOrEqualTo(40);
        for (Row r : ROWS) {
            String line = text.lines().filter(l -> l.startsWith("| " + r.id() + " ")).findFirst().orElse(null);
            assertThat(line).as("row %s in %s", r.id(), doc).isNotNull();
            assertThat(line).as("row %s states %s", r.id(), r.expected()).contains(r.expected());
        }
        long documented = text.lines().filter(l -> l.matches("\\| [HW]\\d\\d .*")).count();
        assertThat(documented).as("rows in the table without a test").isEqualTo(ROWS.size());
    }

    // ================================================================ HTTP helpers

    static HttpResponse<String> post(String endpoint, String sid, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/poll/" + endpoint))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (sid != null) b.header("X-Bridge-Session", sid);
        if (sid != null && KEYS.containsKey(sid)) b.header("X-Bridge-Key", KEYS.get(sid));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String endpoint, String sid, String body) throws Exception {
        return post(endpoint, sid, "application/json", body);
    }

    static HttpResponse<String> postBytes(String endpoint, String sid, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/poll/" + endpoint))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (sid != null) b.header("X-Bridge-Session", sid);
        if (sid != null && KEYS.containsKey(sid)) b.header("X-Bridge-Key", KEYS.get(sid));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> request(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertError(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
        assertThat(body.get("error").getAsString()).isEqualTo(error);
        assertThat(body.get("message").getAsString()).isNotBlank();
    }

    /** A fresh polling session, by hand; returns its id. */
    static String attachPolling() throws Exception {
        HttpResponse<String> r = post("attach", null, "{\"t\":\"attach\",\"last\":0}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject open = JsonParser.parseString(r.body()).getAsJsonArray().get(0).getAsJsonObject();
        KEYS.put(open.get("sid").getAsString(), open.get("key").getAsString());
        return open.get("sid").getAsString();
    }

    /** Sends raw bytes on a new connection and returns everything the server says until it closes (or a timeout). */
    static String rawHttp(byte[] request, int timeoutMillis) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return readAll(s.getInputStream());
        }
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) got.write(buf, 0, n);
        } catch (SocketTimeoutException e) {
            got.write("<timeout>".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // reset by the server: what came before counts
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    static String rawHttp(String request) throws IOException {
        return rawHttp(request.getBytes(StandardCharsets.ISO_8859_1), 10_000);
    }

    static int statusOf(String rawResponse) {
        assertThat(rawResponse).as("a response").startsWith("HTTP/1.1 ");
        return Integer.parseInt(rawResponse.substring(9, 12));
    }

    static String postHead(String endpoint, String extraHeaders, int contentLength) {
        return "POST /bridge/poll/" + endpoint + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nContent-Type: application/json\r\n" + extraHeaders
                + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n" : "") + "\r\n";
    }

    static String nested(int depth, String inner) {
        return "[".repeat(depth) + inner + "]".repeat(depth);
    }

    // ================================================================ WebSocket helpers

    static RawWebSocket rawSocket() throws Exception {
        RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null);
        assertThat(ws.upgraded()).as(ws.handshakeResponse).isTrue();
        return ws;
    }

    static RawWebSocket attachedSocket() throws Exception {
        RawWebSocket ws = rawSocket();
        ws.sendText("{\"t\":\"attach\",\"last\":0}");
        assertThat(ws.read().text()).startsWith("{\"t\":\"open\"");
        return ws;
    }

    /** The socket ends with {@code code}, after an error frame naming {@code error} if that is not null. */
    static void assertClosedWith(RawWebSocket ws, int code, String error) throws Exception {
        RawWebSocket.Frame f = ws.read();
        while (f.opcode() == RawWebSocket.PONG || (f.opcode() == RawWebSocket.TEXT && f.text().startsWith("{\"t\":\"pong\""))) {
            f = ws.read();
        }
        if (error != null) {
            assertThat(f.opcode()).isEqualTo(RawWebSocket.TEXT);
            assertThat(f.text()).contains("\"error\":\"" + error + "\"");
            f = ws.readUntilClose();
        } else if (f.opcode() != RawWebSocket.CLOSE) {
            f = ws.readUntilClose();
        }
        assertThat(f.closeCode()).isEqualTo(code);
    }

    /** Sends {@code text} on a fresh attached socket and expects the close code (and error frame). */
    static void wsCase(String text, int code, String error) throws Exception {
        try (RawWebSocket ws = attachedSocket()) {
            ws.sendText(text);
            assertClosedWith(ws, code, error);
        }
    }

    /** Sends one raw frame on a fresh attached socket and expects the close code (no error frame: Jetty's own). */
    static void wsFrameCase(int firstByte, byte[] payload, boolean masked, int code) throws Exception {
        try (RawWebSocket ws = attachedSocket()) {
            ws.sendFrame(firstByte, payload, masked);
            assertClosedWith(ws, code, null);
        }
    }

    /** The socket still works: a message goes through and its ack comes back. */
    /** Attaches the polling session again with its current key, as its own client would; keeps the new key. */
    static void reattachPolling(String sid) throws Exception {
        HttpResponse<String> r = post("attach", null, "{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"key\":\"" + KEYS.get(sid) + "\",\"last\":0}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        KEYS.put(sid, JsonParser.parseString(r.body()).getAsJsonArray().get(0).getAsJsonObject().get("key").getAsString());
    }

    /** The session's owner (holding the current key) still sends and is answered. */
    static void assertPollingStillWorks(String sid) throws Exception {
        int before = server.app.receivedBy(sid).size();
        HttpResponse<String> r = post("send", sid, "[[" + (before + 1) + ",\"owner\"]]");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(server.app.receivedBy(sid)).extracting(Message::text).endsWith("owner");
    }

    static void assertStillOpen(RawWebSocket ws, long nextSeq) throws Exception {
        ws.sendText("[" + nextSeq + ",\"after\"]");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).as("no close").isNotEqualTo(RawWebSocket.CLOSE);
            if (f.opcode() == RawWebSocket.TEXT && f.text().contains("\"after\"")) return; // the echo
        }
        throw new AssertionError("no echo");
    }

    static String sessionIdOf(String openFrame) {
        return JsonParser.parseString(openFrame).getAsJsonObject().get("sid").getAsString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ================================================================ the catalogue: HTTP

    static {
        row("H01", "attach: truncated JSON", "400 malformed",
                () -> assertError(post("attach", null, "{\"t\":\"attach\","), 400, "malformed"));
        row("H02", "attach: not JSON at all", "400 malformed",
                () -> assertError(post("attach", null, "hello"), 400, "malformed"));
        row("H03", "attach: a JSON scalar instead of a frame (42, null, \"attach\")", "400 malformed", () -> {
            for (String body : List.of("42", "null", "\"attach\"", "true")) assertError(post("attach", null, body), 400, "malformed");
        });
        row("H04", "attach: a batch (array) instead of one frame", "400 malformed",
                () -> assertError(post("attach", null, "[{\"t\":\"attach\",\"last\":0}]"), 400, "malformed"));
        row("H05", "attach: last of the wrong type (string, boolean, fraction, object)", "400 malformed", () -> {
            for (String last : List.of("\"0\"", "true", "1.5", "{}", "[]")) {
                assertError(post("attach", null, "{\"t\":\"attach\",\"last\":" + last + "}"), 400, "malformed");
            }
        });
        row("H06", "attach: negative last", "400 malformed",
                () -> assertError(post("attach", null, "{\"t\":\"attach\",\"last\":-1}"), 400, "malformed"));
        row("H07", "attach: last beyond 64 bits (2^64, 1e400, 20 digits)", "400 malformed", () -> {
            for (String last : List.of("18446744073709551616", "1e400", "99999999999999999999", "-9223372036854775809")) {
                assertError(post("attach", null, "{\"t\":\"attach\",\"last\":" + last + "}"), 400, "malformed");
            }
        });
        row("H08", "attach: a new session claiming last > 0", "400 bad_sequence",
                () -> assertError(post("attach", null, "{\"t\":\"attach\",\"last\":5}"), 400, "bad_sequence"));
        row("H09", "attach: a guessed, well-formed session id", "404 unknown_session",
                () -> assertError(post("attach", null, "{\"t\":\"attach\",\"sid\":\"" + SessionIds.next() + "\",\"last\":0}"),
                        404, "unknown_session"));
        row("H10", "attach: a session id of the wrong shape (empty, 10 KB, non-ASCII, path tricks)", "404 unknown_session", () -> {
            for (String sid : List.of("", "x".repeat(9_000), "ééééééééééééééééééééééé\u00e9", "../../../../etc/passwd00", "*")) {
                assertError(post("attach", null, "{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"last\":0}"), 404, "unknown_session");
            }
        });
        row("H11", "attach: sid of the wrong type (number, object, array)", "400 malformed", () -> {
            for (String sid : List.of("12", "{}", "[\"a\"]", "true")) {
                assertError(post("attach", null, "{\"t\":\"attach\",\"sid\":" + sid + ",\"last\":0}"), 400, "malformed");
            }
        });
        row("H12", "an unknown frame type ({\"t\":\"hello\"}, t not a string)", "400 malformed", () -> {
            assertError(post("attach", null, "{\"t\":\"hello\"}"), 400, "malformed");
            assertError(post("attach", null, "{\"t\":7}"), 400, "malformed");
        });
        row("H13", "a control frame without t", "400 malformed",
                () -> assertError(post("attach", null, "{\"last\":0}"), 400, "malformed"));
        row("H14", "4,000-deep nested arrays as the whole body", "400 malformed", () -> {
            assertError(post("attach", null, nested(4_000, "")), 400, "malformed");
            assertError(post("send", healthyPoll.sessionId(), nested(4_000, "1")), 400, "malformed");
        });
        row("H15", "4,000-deep nesting inside an ignored field", "400 malformed",
                () -> assertError(post("attach", null, "{\"t\":\"attach\",\"x\":" + nested(4_000, "") + ",\"last\":0}"), 400, "malformed"));
        row("H16", "trailing data after the frame or batch", "400 malformed", () -> {
            assertError(post("attach", null, "{\"t\":\"attach\",\"last\":0} {}"), 400, "malformed");
            assertError(post("attach", null, "{\"t\":\"attach\",\"last\":0}x"), 400, "malformed");
        });
        row("H17", "empty body", "400 malformed", () -> {
            assertError(post("attach", null, ""), 400, "malformed");
            assertError(post("send", attachPolling(), ""), 400, "malformed");
        });
        row("H18", "body that is not UTF-8 (0xC3 0x28, 0xFF, overlong encodings)", "400 malformed", () -> {
            assertError(postBytes("attach", null, new byte[]{'{', '"', 't', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}), 400, "malformed");
            String sid = attachPolling();
            assertError(postBytes("send", sid, new byte[]{'[', '[', '1', ',', '"', (byte) 0xFF, '"', ']', ']'}), 400, "malformed");
            assertError(postBytes("send", sid, new byte[]{'[', '[', '1', ',', '"', (byte) 0xC0, (byte) 0xAF, '"', ']', ']'}), 400, "malformed");
        });
        row("H19", "lenient JSON (comments, single quotes, NaN, unquoted names)", "400 malformed", () -> {
            for (String body : List.of("{\"t\":\"attach\",\"last\":0 /* hi */}", "{'t':'attach','last':0}",
                    "{\"t\":\"attach\",\"last\":NaN}", "{t:\"attach\",last:0}", "{\"t\":\"attach\";\"last\":0}")) {
                assertError(post("attach", null, body), 400, "malformed");
            }
        });
        row("H20", "lone surrogates, NUL and non-BMP text in a message", "200, delivered unchanged", () -> {
            String sid = attachPolling();
            HttpResponse<String> r = post("send", sid, "[[1,\"\\ud800 \\udfff \\u0000 \uD83D\uDE00\"]]");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(server.app.receivedBy(sid)).extracting(Message::text).containsExactly("\ud800 \udfff \u0000 \uD83D\uDE00");
        });
        row("H21", "recv / send without X-Bridge-Session", "400 missing_session", () -> {
            assertError(post("recv", null, "[{\"t\":\"ack\",\"a\":0}]"), 400, "missing_session");
            assertError(post("send", null, "[[1,\"x\"]]"), 400, "missing_session");
        });
        row("H22", "recv / send with a guessed session id", "404 unknown_session", () -> {
            assertError(post("recv", SessionIds.next(), "[{\"t\":\"ack\",\"a\":0}]"), 404, "unknown_session");
            assertError(post("send", SessionIds.next(), "[[1,\"x\"]]"), 404, "unknown_session");
        });
        row("H23", "recv / send with a session header of the wrong shape (4 KB, spaces, unicode)", "404 unknown_session", () -> {
            for (String sid : List.of("y".repeat(4000), "a b", "%00%00", "sid;drop table")) {
                assertError(post("send", sid, "[[1,\"x\"]]"), 404, "unknown_session");
            }
        });
        row("H24", "send: sequence number 0 or negative", "400 malformed", () -> {
            String sid = attachPolling();
            assertError(post("send", sid, "[[0,\"x\"]]"), 400, "malformed");
            assertError(post("send", sid, "[[-1,\"x\"]]"), 400, "malformed");
        });
        row("H25", "send: a skipped sequence number", "400 bad_sequence", () -> {
            String sid = attachPolling();
            assertError(post("send", sid, "[[5,\"skips 1 to 4\"]]"), 400, "bad_sequence");
            assertError(post("send", sid, "[[1,\"a\"],[3,\"skips 2\"]]"), 400, "bad_sequence");
            assertThat(server.app.receivedBy(sid)).extracting(Message::text).containsExactly("a"); // frames before the error took effect
        });
        row("H26", "send: a replayed sequence number (the same batch twice)", "200, dropped", () -> {
            String sid = attachPolling();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = post("send", sid, "[[1,\"once\"],[1,\"once\"]]");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("[{\"t\":\"ack\",\"a\":1}]");
            }
            assertThat(server.app.receivedBy(sid)).extracting(Message::text).containsExactly("once");
        });
        row("H27", "send: an ack above what the server sent (ack frame, piggybacked)", "400 bad_sequence", () -> {
            String sid = attachPolling();
            assertError(post("send", sid, "[{\"t\":\"ack\",\"a\":99}]"), 400, "bad_sequence");
            assertError(post("send", sid, "[[1,\"x\",99]]"), 400, "bad_sequence");
        });
        row("H28", "send: a negative ack", "400 malformed", () -> {
            String sid = attachPolling();
            assertError(post("send", sid, "[{\"t\":\"ack\",\"a\":-1}]"), 400, "malformed");
            assertError(post("send", sid, "[[1,\"x\",-5]]"), 400, "malformed");
        });
        row("H29", "send: wrong types in a data frame (seq string, payload number, null, array)", "400 malformed", () -> {
            String sid = attachPolling();
            for (String frame : List.of("[\"1\",\"x\"]", "[1,2]", "[1,null]", "[1,[\"x\"]]", "[1,\"x\",\"2\"]", "[1.0,\"x\"]")) {
                assertError(post("send", sid, "[" + frame + "]"), 400, "malformed");
            }
        });
        row("H30", "send: binary payload with bad base64, or without b64", "400 malformed", () -> {
            String sid = attachPolling();
            for (String payload : List.of("{\"b64\":\"!!!\"}", "{\"b64\":\"QQ=\"}", "{}", "{\"b64\":1}", "{\"bin\":\"QQ==\"}")) {
                assertError(post("send", sid, "[[1," + payload + "]]"), 400, "malformed");
            }
        });
        row("H31", "send: a data frame with 0, 1 or 4 elements", "400 malformed", () -> {
            String sid = attachPolling();
            for (String frame : List.of("[]", "[1]", "[1,\"x\",0,0]")) assertError(post("send", sid, "[" + frame + "]"), 400, "malformed");
        });
        row("H32", "send: one frame instead of a batch", "400 malformed",
                () -> assertError(post("send", attachPolling(), "{\"t\":\"ack\",\"a\":0}"), 400, "malformed"));
        row("H33", "send: frames a client may not send (attach, open, probe, error)", "400 malformed", () -> {
            String sid = attachPolling();
            for (String frame : List.of("{\"t\":\"attach\",\"last\":0}", "{\"t\":\"probe\"}", "{\"t\":\"error\",\"error\":\"x\"}",
                    "{\"t\":\"open\",\"sid\":\"a\",\"ack\":0,\"hb\":1,\"poll\":1,\"grace\":1}")) {
                assertError(post("send", sid, "[" + frame + "]"), 400, "malformed");
            }
        });
        row("H34", "recv: a batch without an acknowledgement (no ack frame, no ack on a data frame), empty", "400 malformed", () -> {
            String sid = attachPolling();
            for (String body : List.of("[]", "[[1,\"x\"]]", "[{\"t\":\"ping\",\"ts\":1}]", "{\"t\":\"ack\",\"a\":0}")) {
                assertError(post("recv", sid, body), 400, "malformed");
            }
        });
        row("H35", "recv: an ack above what the server sent", "400 bad_sequence",
                () -> assertError(post("recv", attachPolling(), "[{\"t\":\"ack\",\"a\":99}]"), 400, "bad_sequence"));
        row("H36", "a body above the request limit, declared in Content-Length", "413 too_large",
                () -> assertError(post("send", attachPolling(), "[[1,\"" + "x".repeat(2 * MAX_REQUEST) + "\"]]"), 413, "too_large"));
        row("H37", "a body above the request limit, chunked (no Content-Length)", "413 too_large", () -> {
            String sid = attachPolling();
            String chunk = "[[1,\"" + "x".repeat(2 * MAX_REQUEST) + "\"]]";
            String req = "POST /bridge/poll/send HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Bridge-Session: "
                    + sid + "\r\nX-Bridge-Key: " + KEYS.get(sid) + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";
            String response = rawHttp(req);
            assertThat(statusOf(response)).isEqualTo(413);
            assertThat(response).contains("\"error\":\"too_large\"");
        });
        row("H38", "one message above the message limit inside a batch", "413 too_large",
                () -> assertError(post("send", attachPolling(), "[[1,\"" + "x".repeat(MAX_MESSAGE + 1) + "\"]]"), 413, "too_large"));
        row("H39", "GET, PUT, DELETE, PATCH, HEAD on a polling endpoint", "405 method_not_allowed", () -> {
            for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
                HttpResponse<String> r = request(method, "/bridge/poll/send");
                assertError(r, 405, "method_not_allowed");
                assertThat(r.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
            }
            assertThat(request("HEAD", "/bridge/poll/recv").statusCode()).isEqualTo(405);
        });
        row("H40", "a body that is not application/json (text/plain, form, none)", "415 unsupported_media_type", () -> {
            assertError(post("attach", null, "text/plain", "{\"t\":\"attach\",\"last\":0}"), 415, "unsupported_media_type");
            assertError(post("attach", null, "application/x-www-form-urlencoded", "t=attach"), 415, "unsupported_media_type");
            assertError(post("attach", null, null, "{\"t\":\"attach\",\"last\":0}"), 415, "unsupported_media_type");
        });
        row("H41", "unknown paths (/bridge/poll/nope, /bridge/poll, /bridge/nope, /)", "404 not_found", () -> {
            assertError(post("nope", null, "{}"), 404, "not_found");
            for (String path : List.of("/bridge/poll", "/bridge/nope", "/", "/bridge/poll/send/extra")) {
                assertError(request("GET", path), 404, "not_found");
            }
        });
        row("H42", "a header flood: 2,000 headers", "431", () -> {
            StringBuilder headers = new StringBuilder();
            for (int i = 0; i < 2000; i++) headers.append("X-Flood-").append(i).append(": ").append(i).append("\r\n");
            assertThat(statusOf(rawHttp(postHead("attach", headers.toString(), 0)))).isEqualTo(431);
        });
        row("H43", "one 64 KiB header", "431", () -> {
            String header = "X-Big: " + "b".repeat(64 * 1024) + "\r\n";
            assertThat(statusOf(rawHttp(postHead("attach", header, 0)))).isEqualTo(431);
        });
        row("H44", "request smuggling shapes: Content-Length with chunked, two Content-Lengths", "400", () -> {
            String body = "{\"t\":\"attach\",\"last\":0}";
            String both = postHead("attach", "Transfer-Encoding: chunked\r\n", body.length())
                    + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
            assertThat(statusOf(rawHttp(both))).isEqualTo(400);
            String twice = postHead("attach", "Content-Length: 3\r\n", body.length()) + body;
            assertThat(statusOf(rawHttp(twice))).isEqualTo(400);
        });
        row("H45", "a garbage request line; an unknown HTTP version", "400; 505", () -> {
            assertThat(statusOf(rawHttp("\u0001\u0002 GARBAGE\r\n\r\n"))).isEqualTo(400);
            assertThat(statusOf(rawHttp("POST /bridge/poll/attach HTTP/9.9\r\nHost: x\r\n\r\n"))).isEqualTo(505);
        });
        row("H46", "slowloris: a request line trickled, then silence past the idle timeout", "closed at the idle timeout, no response", () -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                s.setSoTimeout(IDLE_TIMEOUT_MILLIS * 5);
                OutputStream out = s.getOutputStream();
                for (char c : "POST /bridge/po".toCharArray()) {
                    out.write(c);
                    out.flush();
                    Thread.sleep(50);
                }
                long t0 = System.nanoTime();
                String answer = readAll(s.getInputStream()); // blocks until the server gives up on us
                long waited = (System.nanoTime() - t0) / 1_000_000;
                assertThat(answer).as("closed without an answer").isEmpty();
                assertThat(waited).isBetween(IDLE_TIMEOUT_MILLIS / 2L, IDLE_TIMEOUT_MILLIS * 4L);
            }
        });
        row("H47", "slowloris: 100 connections trickling request headers", "no thread held, others served", () -> {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                    s.getOutputStream().write("POST /bridge/poll/attach HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    sockets.add(s);
                }
                for (int round = 0; round < 3; round++) {
                    for (Socket s : sockets) {
                        try {
                            s.getOutputStream().write(("X-Slow-" + round + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                        } catch (IOException e) {
                            // the idle timeout already ended this one: fine
                        }
                    }
                    roundTrip(Duration.ofSeconds(5)); // served while the slow ones trickle
                }
            } finally {
                for (Socket s : sockets) s.close();
            }
        });
        row("H48", "slow bodies: 250 requests whose body stalls after 10 bytes (more than the server's threads)",
                "400 malformed at the idle timeout; no thread held, others served", () -> {
                    String sid = attachPolling();
                    List<Socket> sockets = new ArrayList<>();
                    try {
                        for (int i = 0; i < 250; i++) {
                            Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                            s.getOutputStream().write((postHead("send", "X-Bridge-Session: " + sid + "\r\nX-Bridge-Key: " + KEYS.get(sid) + "\r\n", 5000) + "[[1,\"xxxx")
                                    .getBytes(StandardCharsets.US_ASCII));
                            sockets.add(s);
                        }
                        Thread.sleep(200);
                        var pool = (org.eclipse.jetty.util.thread.QueuedThreadPool) server.server.jetty().getThreadPool();
                        assertThat(pool.getBusyThreads()).as("threads waiting for bodies").isLessThan(100);
                        roundTrip(Duration.ofMillis(IDLE_TIMEOUT_MILLIS - 500)); // before the idle timeout frees anything
                        for (Socket s : sockets) {
                            s.setSoTimeout(IDLE_TIMEOUT_MILLIS * 5);
                            String answer = readAll(s.getInputStream());
                            assertThat(statusOf(answer)).isEqualTo(400);
                            assertThat(answer).contains("\"error\":\"malformed\"", "request body incomplete");
                        }
                    } finally {
                        for (Socket s : sockets) s.close();
                    }
                    assertThat(server.app.receivedBy(sid)).isEmpty();
                });
        row("H49", "recv / send on a polling transport the session has left", "409 transport_replaced", () -> {
            String sid = attachPolling();
            try (RawWebSocket ws = rawSocket()) {
                ws.sendText("{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"key\":\"" + KEYS.get(sid) + "\",\"last\":0}");
                assertThat(ws.read().text()).startsWith("{\"t\":\"open\"");
                assertError(post("recv", sid, "[{\"t\":\"ack\",\"a\":0}]"), 409, "transport_replaced");
                assertError(post("send", sid, "[[1,\"x\"]]"), 409, "transport_replaced");
            }
        });
        row("H50", "a second concurrent recv on one session", "409 poll_conflict", () -> {
            String sid = attachPolling();
            String recv = "[{\"t\":\"ack\",\"a\":0}]";
            CompletableFuture<HttpResponse<String>> first = http.sendAsync(HttpRequest.newBuilder(URI.create(server.uri() + "/poll/recv"))
                    .header("Content-Type", "application/json").header("X-Bridge-Session", sid).header("X-Bridge-Key", KEYS.get(sid))
                    .POST(HttpRequest.BodyPublishers.ofString(recv)).build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(200);
            HttpResponse<String> second = post("recv", sid, recv); // held until the poll timeout, answered []
            assertError(first.get(), 409, "poll_conflict");
            assertThat(second.statusCode()).isEqualTo(200);
        });
        row("H51", "a ping flood over polling without ever polling (10,000 pings in 25 sends)", "200, one pong per answer", () -> {
            String sid = attachPolling();
            String batch = "[" + String.join(",", java.util.Collections.nCopies(400, "{\"t\":\"ping\",\"ts\":7}")) + "]";
            for (int i = 0; i < 25; i++) {
                HttpResponse<String> r = post("send", sid, batch);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("[{\"t\":\"pong\",\"ts\":7},{\"t\":\"ack\",\"a\":0}]"); // only the latest ping answered
            }
            HttpResponse<String> r = post("send", sid, "[{\"t\":\"ping\",\"ts\":8}]");
            assertThat(r.body()).isEqualTo("[{\"t\":\"pong\",\"ts\":8},{\"t\":\"ack\",\"a\":0}]");
        });
        row("H52", "a batch of 300 ack frames and 300 duplicate data frames", "200", () -> {
            String sid = attachPolling();
            assertThat(post("send", sid, "[[1,\"x\"]]").statusCode()).isEqualTo(200);
            String acks = String.join(",", java.util.Collections.nCopies(300, "{\"t\":\"ack\",\"a\":0}"));
            String dups = String.join(",", java.util.Collections.nCopies(300, "[1,\"x\"]"));
            HttpResponse<String> r = post("send", sid, "[" + acks + "," + dups + "]");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(server.app.receivedBy(sid)).hasSize(1);
        });
        row("H53", "an ambiguous path: an empty segment (/bridge/poll//send, /bridge/poll/send//)", "400", () -> {
            for (String path : List.of("/bridge/poll//send", "/bridge/poll/send//", "/bridge//poll/send")) {
                String response = rawHttp(postHead("", "Connection: close\r\n", 2).replace("/bridge/poll/ ", path + " ") + "[]");
                assertThat(statusOf(response)).isEqualTo(400);
                assertThat(response).contains("no-store");
            }
        });
        row("H54", "an Origin that is not exactly scheme://host[:port] (userinfo, path, two Origin headers), dressed as the server's own",
                "403 origin_not_allowed", () -> {
                    String self = "127.0.0.1:" + server.port();
                    for (String origin : List.of("Origin: http://evil.example@" + self + "\r\n", "Origin: http://" + self + "/x\r\n",
                            "Origin: http://" + self + "\r\nOrigin: http://evil.example\r\n")) {
                        RawHttp.Response r = RawHttp.post(server.port(), "/bridge/poll/attach", self, origin, "{\"t\":\"attach\",\"last\":0}");
                        assertThat(r.status()).as(origin).isEqualTo(403);
                        assertThat(r.body()).contains("\"error\":\"origin_not_allowed\"");
                        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
                    }
                });
        row("H55", "a Host the server does not answer to (DNS rebinding: rebind.evil.example with a matching Origin)",
                "421 host_not_allowed", () -> {
                    String evil = "rebind.evil.example:" + server.port();
                    int sessions = server.bridge.sessionCount();
                    for (RawHttp.Response r : List.of(
                            RawHttp.post(server.port(), "/bridge/poll/attach", evil, "Origin: http://" + evil + "\r\n", "{\"t\":\"attach\",\"last\":0}"),
                            RawHttp.get(server.port(), "/bridge/stats", evil, ""),
                            RawHttp.get(server.port(), "/nope", evil, ""))) {
                        assertThat(r.status()).as(r.raw()).isEqualTo(421);
                        assertThat(r.body()).contains("\"error\":\"host_not_allowed\"");
                        assertThat(r.header("Connection")).isEqualTo("close");
                    }
                    assertThat(server.bridge.sessionCount()).isEqualTo(sessions);
                });
        row("H56", "GET /bridge/stats on a server that does not serve statistics (the default)", "404 not_found", () -> {
            assertError(request("GET", "/bridge/stats"), 404, "not_found");
        });
        row("H57", "attach: an existing session's id without its resume key, or with a wrong one", "404 unknown_session", () -> {
            String sid = attachPolling();
            assertError(post("attach", null, "{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"last\":0}"), 404, "unknown_session");
            for (String key : List.of("", "AAAAAAAAAAAAAAAAAAAAAA", KEYS.get(sid) + "x", "x".repeat(5000))) {
                assertError(post("attach", null, "{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"key\":\"" + key + "\",\"last\":0}"),
                        404, "unknown_session");
            }
            assertPollingStillWorks(sid);
        });
        row("H58", "attach: a retired resume key (older than one the client presented since)", "404 unknown_session", () -> {
            String sid = attachPolling();
            String first = KEYS.get(sid);
            reattachPolling(sid); // presents the first key, gets a second
            reattachPolling(sid); // presents the second: the first is retired
            assertError(post("attach", null, "{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"key\":\"" + first + "\",\"last\":0}"),
                    404, "unknown_session");
            assertPollingStillWorks(sid);
        });
        row("H59", "recv / send with the session id but without X-Bridge-Key, or with a wrong one", "404 unknown_session", () -> {
            String sid = attachPolling();
            String key = KEYS.remove(sid);
            assertError(post("recv", sid, "[{\"t\":\"ack\",\"a\":0}]"), 404, "unknown_session");
            assertError(post("send", sid, "[[1,\"hijack\"]]"), 404, "unknown_session");
            KEYS.put(sid, "AAAAAAAAAAAAAAAAAAAAAA");
            assertError(post("send", sid, "[[1,\"hijack\"]]"), 404, "unknown_session");
            KEYS.put(sid, key);
            assertThat(server.app.receivedBy(sid)).isEmpty();
            assertPollingStillWorks(sid);
        });
        row("H60", "send: a duplicate sequence number carrying a different message", "400 bad_sequence", () -> {
            String sid = attachPolling();
            assertThat(post("send", sid, "[[1,\"original\"]]").statusCode()).isEqualTo(200);
            assertError(post("send", sid, "[[1,\"forged\"]]"), 400, "bad_sequence");
            assertThat(server.app.receivedBy(sid)).extracting(Message::text).containsExactly("original");
        });
        row("H61", "attach: a token the authenticator refuses", "401 auth_refused", () -> {
            assertError(post("attach", null, "{\"t\":\"attach\",\"last\":0,\"auth\":\"refuse-me\"}"), 401, "auth_refused");
        });
        row("H62", "attach: auth of the wrong type (number, object, array)", "400 malformed", () -> {
            for (String auth : List.of("42", "{}", "[\"as-ann\"]")) {
                assertError(post("attach", null, "{\"t\":\"attach\",\"last\":0,\"auth\":" + auth + "}"), 400, "malformed");
            }
        });
        row("H63", "attach: a resume (id and key right) with another user's token", "403 principal_changed", () -> {
            HttpResponse<String> opened = post("attach", null, "{\"t\":\"attach\",\"last\":0,\"auth\":\"as-ann\"}");
            JsonObject open = JsonParser.parseString(opened.body()).getAsJsonArray().get(0).getAsJsonObject();
            String resume = "{\"t\":\"attach\",\"sid\":\"" + open.get("sid").getAsString() + "\",\"key\":\""
                    + open.get("key").getAsString() + "\",\"last\":0,\"auth\":\"as-%s\"}";
            assertError(post("attach", null, resume.formatted("bob")), 403, "principal_changed");
            assertThat(post("attach", null, resume.formatted("ann")).statusCode()).isEqualTo(200); // the session lives on, ann's
        });
    }

    // ================================================================ the catalogue: WebSocket

    static {
        row("W01", "truncated JSON", "4400 malformed", () -> wsCase("{\"t\":", 4400, "malformed"));
        row("W02", "a JSON scalar, or a batch of frames, instead of one frame", "4400 malformed", () -> {
            wsCase("42", 4400, "malformed");
            wsCase("[{\"t\":\"ack\",\"a\":0}]", 4400, "malformed");
        });
        row("W03", "an unknown frame type", "4400 malformed", () -> wsCase("{\"t\":\"hello\"}", 4400, "malformed"));
        row("W04", "3,000-deep nesting", "4400 malformed", () -> {
            wsCase(nested(3_000, ""), 4400, "malformed");
            wsCase("{\"t\":\"ping\",\"x\":" + nested(3_000, "") + "}", 4400, "malformed");
        });
        row("W05", "numbers beyond 64 bits (seq 2^64, 1e400)", "4400 malformed", () -> {
            wsCase("[18446744073709551616,\"x\"]", 4400, "malformed");
            wsCase("{\"t\":\"ack\",\"a\":1e400}", 4400, "malformed");
        });
        row("W06", "sequence number 0 or negative", "4400 malformed", () -> {
            wsCase("[0,\"x\"]", 4400, "malformed");
            wsCase("[-3,\"x\"]", 4400, "malformed");
        });
        row("W07", "a skipped sequence number", "4400 bad_sequence", () -> wsCase("[3,\"gap\"]", 4400, "bad_sequence"));
        row("W08", "a replayed sequence number", "dropped, socket stays open", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                ws.sendText("[1,\"one\"]");
                ws.sendText("[1,\"one\"]");
                ws.sendText("[1,\"one\"]");
                assertStillOpen(ws, 2);
            }
        });
        row("W09", "an ack above what the server sent (ack frame, piggybacked)", "4400 bad_sequence", () -> {
            wsCase("{\"t\":\"ack\",\"a\":42}", 4400, "bad_sequence");
            wsCase("[1,\"x\",42]", 4400, "bad_sequence");
        });
        row("W10", "a negative ack", "4400 malformed", () -> wsCase("{\"t\":\"ack\",\"a\":-1}", 4400, "malformed"));
        row("W11", "a data frame before attach", "4400 malformed", () -> {
            try (RawWebSocket ws = rawSocket()) {
                ws.sendText("[1,\"too early\"]");
                assertClosedWith(ws, 4400, "malformed");
            }
        });
        row("W12", "a second attach on an attached socket", "4400 malformed",
                () -> wsCase("{\"t\":\"attach\",\"last\":0}", 4400, "malformed"));
        row("W13", "attach with a guessed session id", "4404 unknown_session", () -> {
            try (RawWebSocket ws = rawSocket()) {
                ws.sendText("{\"t\":\"attach\",\"sid\":\"" + SessionIds.next() + "\",\"last\":0}");
                assertClosedWith(ws, 4404, "unknown_session");
            }
        });
        row("W14", "attach with a session id of the wrong shape", "4404 unknown_session", () -> {
            try (RawWebSocket ws = rawSocket()) {
                ws.sendText("{\"t\":\"attach\",\"sid\":\"" + "z".repeat(3000) + "\",\"last\":0}");
                assertClosedWith(ws, 4404, "unknown_session");
            }
        });
        row("W15", "attach with wrong types (last string, sid number)", "4400 malformed", () -> {
            for (String attach : List.of("{\"t\":\"attach\",\"last\":\"0\"}", "{\"t\":\"attach\",\"sid\":5,\"last\":0}")) {
                try (RawWebSocket ws = rawSocket()) {
                    ws.sendText(attach);
                    assertClosedWith(ws, 4400, "malformed");
                }
            }
        });
        row("W16", "no attach within the attach timeout", "4408 attach_timeout", () -> {
            try (RawWebSocket ws = rawSocket()) {
                ws.sendText("{\"t\":\"probe\"}"); // probes do not count
                assertThat(ws.read().text()).isEqualTo("{\"t\":\"probe\"}");
                assertClosedWith(ws, 4408, "attach_timeout");
            }
        });
        row("W17", "a text message that is not UTF-8", "1007", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                ws.send(RawWebSocket.TEXT, new byte[]{'[', '1', ',', '"', (byte) 0xC3, (byte) 0x28, '"', ']'}, true);
                assertClosedWith(ws, 1007, null);
            }
        });
        row("W18", "lone surrogates and NUL escaped in a text message", "delivered unchanged", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                ws.sendText("[1,\"\\udc00\\u0000\"]");
                RawWebSocket.Frame echo;
                do {
                    echo = ws.read();
                } while (!echo.text().startsWith("[1,"));
                assertThat(echo.text()).startsWith("[1,\"\\udc00\\u0000\"");
            }
        });
        row("W19", "a binary frame shorter than its 9-byte header", "4400 malformed", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                ws.send(RawWebSocket.BINARY, new byte[]{1, 0, 0}, true);
                assertClosedWith(ws, 4400, "malformed");
            }
        });
        row("W20", "a binary frame of an unknown type (first byte not 0x01)", "4400 malformed", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                ws.send(RawWebSocket.BINARY, new byte[]{7, 0, 0, 0, 0, 0, 0, 0, 1, 'x'}, true);
                assertClosedWith(ws, 4400, "malformed");
            }
        });
        row("W21", "a binary data frame with seq 0 or seq ≥ 2^63", "4400 malformed", () -> {
            for (long seq : new long[]{0, Long.MIN_VALUE, -1}) {
                try (RawWebSocket ws = attachedSocket()) {
                    ws.send(RawWebSocket.BINARY, ByteBuffer.allocate(10).put((byte) 1).putLong(seq).put((byte) 'x').array(), true);
                    assertClosedWith(ws, 4400, "malformed");
                }
            }
        });
        row("W22", "a message above the message limit (within the frame limit)", "1009 too_large",
                () -> wsCase("[1,\"" + "x".repeat(MAX_MESSAGE + 1) + "\"]", 1009, "too_large"));
        row("W23", "a message above the frame limit", "1009", () -> wsCase("[1,\"" + "x".repeat(10 * MAX_MESSAGE) + "\"]", 1009, null));
        row("W24", "a valid message in three fragments", "delivered", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                ws.send(RawWebSocket.TEXT, utf8("[1,\"frag"), false);
                ws.send(0, utf8("ment"), false);
                ws.send(0, utf8("ed\"]"), true);
                RawWebSocket.Frame echo;
                do {
                    echo = ws.read();
                } while (!echo.text().startsWith("[1,"));
                assertThat(echo.text()).startsWith("[1,\"fragmented\"");
            }
        });
        row("W25", "fragments whose total exceeds the frame limit", "1009", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                for (int i = 0; i < 10; i++) ws.send(i == 0 ? RawWebSocket.TEXT : 0, utf8("x".repeat(MAX_MESSAGE)), false);
                ws.send(0, utf8("x"), true);
                assertClosedWith(ws, 1009, null);
            }
        });
        row("W26", "a continuation frame without a start", "1002", () -> wsFrameCase(0x80, utf8("[1,\"x\"]"), true, 1002));
        row("W27", "a new text frame while a fragmented message is open", "1002", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                ws.send(RawWebSocket.TEXT, utf8("[1,"), false);
                ws.send(RawWebSocket.TEXT, utf8("[1,\"x\"]"), true);
                assertClosedWith(ws, 1002, null);
            }
        });
        row("W28", "a ping with more than 125 bytes", "1002", () -> wsFrameCase(0x80 | RawWebSocket.PING, new byte[200], true, 1002));
        row("W29", "a fragmented control frame (ping without FIN)", "1002", () -> wsFrameCase(RawWebSocket.PING, utf8("p"), true, 1002));
        row("W30", "an unmasked client frame", "1002", () -> wsFrameCase(0x80 | RawWebSocket.TEXT, utf8("[1,\"x\"]"), false, 1002));
        row("W31", "reserved bits set (RSV1, RSV2, RSV3)", "1002", () -> {
            for (int rsv : new int[]{0x40, 0x20, 0x10}) wsFrameCase(0x80 | rsv | RawWebSocket.TEXT, utf8("[1,\"x\"]"), true, 1002);
        });
        row("W32", "unknown opcodes (3, 7, 11, 15)", "1002", () -> {
            for (int opcode : new int[]{3, 7, 11, 15}) wsFrameCase(0x80 | opcode, utf8("x"), true, 1002);
        });
        row("W33", "a close frame with an invalid code (999, 1005, 1006, 1015, 5000) or a 1-byte payload", "1002", () -> {
            for (int code : new int[]{999, 1005, 1006, 1015, 5000}) {
                wsFrameCase(0x80 | RawWebSocket.CLOSE, new byte[]{(byte) (code >> 8), (byte) code}, true, 1002);
            }
            wsFrameCase(0x80 | RawWebSocket.CLOSE, new byte[]{3}, true, 1002);
        });
        row("W34", "a 64-bit frame length with the top bit set", "1009", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                ws.sendRaw(new byte[]{(byte) 0x82, (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4});
                assertClosedWith(ws, 1009, null);
            }
        });
        row("W35", "a ping flood: 5,000 protocol pings", "answered, socket stays open", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                byte[] burst = new ByteArrayOutputStream() {{
                    for (int i = 0; i < 5000; i++) writeBytes(ws.frame(0x80 | RawWebSocket.PING, utf8("p" + i), true));
                }}.toByteArray();
                ws.sendRaw(burst);
                int pongs = 0;
                RawWebSocket.Frame f;
                do {
                    f = ws.read();
                    if (f.opcode() == RawWebSocket.PONG) pongs++;
                } while (!(f.opcode() == RawWebSocket.PONG && f.text().equals("p4999")));
                assertThat(pongs).isPositive();
                assertStillOpen(ws, 1);
            }
        });
        row("W36", "a heartbeat flood: 5,000 {\"t\":\"ping\"} frames", "answered, socket stays open", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                for (int i = 0; i < 5000; i++) ws.sendText("{\"t\":\"ping\",\"ts\":" + i + "}");
                assertStillOpen(ws, 1);
            }
        });
        row("W48", "an ack flood: 20,000 {\"t\":\"ack\"} frames in one burst", "read at once, merged, socket stays open", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                byte[] burst = new ByteArrayOutputStream() {{
                    for (int i = 0; i < 20_000; i++) writeBytes(ws.frame(0x80 | RawWebSocket.TEXT, utf8("{\"t\":\"ack\",\"a\":0}"), true));
                }}.toByteArray();
                ws.sendRaw(burst);
                assertStillOpen(ws, 1);
            }
        });
        row("W37", "unsolicited pong frames (protocol and JSON)", "ignored, socket stays open", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                for (int i = 0; i < 100; i++) ws.send(RawWebSocket.PONG, utf8("unasked"), true);
                for (int i = 0; i < 100; i++) ws.sendText("{\"t\":\"pong\",\"ts\":" + i + "}");
                assertStillOpen(ws, 1);
            }
        });
        row("W38", "an upgrade with an unsupported Sec-WebSocket-Version (12)", "426 upgrade_required", () -> {
            String req = "GET /bridge/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 12\r\nConnection: close\r\n\r\n";
            String response = rawHttp(req); // Jetty does not upgrade it; the damaged-upgrade handler explains why
            assertThat(statusOf(response)).isEqualTo(426);
            assertThat(response).contains("\"error\":\"upgrade_required\"");
        });
        row("W39", "an upgrade without Sec-WebSocket-Key", "400", () -> {
            String req = "GET /bridge/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nConnection: close\r\n\r\n";
            assertThat(statusOf(rawHttp(req))).isEqualTo(400);
        });
        row("W40", "an upgrade on an unknown path", "404 not_found", () -> {
            try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/wsx", null)) {
                assertThat(ws.upgraded()).isFalse();
                assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 404");
            }
        });
        row("W43", "attach: an existing session's id without its resume key, or with a wrong one", "4404 unknown_session", () -> {
            String sid = attachPolling();
            for (String keyField : List.of("", ",\"key\":\"AAAAAAAAAAAAAAAAAAAAAA\"", ",\"key\":\"" + KEYS.get(sid) + "x\"")) {
                try (RawWebSocket ws = rawSocket()) {
                    ws.sendText("{\"t\":\"attach\",\"sid\":\"" + sid + "\"" + keyField + ",\"last\":0}");
                    assertClosedWith(ws, 4404, "unknown_session");
                }
            }
            assertPollingStillWorks(sid);
        });
        row("W44", "a duplicate sequence number carrying a different message", "4400 bad_sequence", () -> {
            try (RawWebSocket ws = attachedSocket()) {
                ws.sendText("[1,\"original\"]");
                ws.sendText("[1,\"forged\"]");
                RawWebSocket.Frame f = ws.read();
                while (f.opcode() == RawWebSocket.TEXT && !f.text().startsWith("{\"t\":\"error\"")) {
                    f = ws.read(); // the echo of the original, acks, pings
                }
                assertThat(f.text()).contains("\"error\":\"bad_sequence\"");
                assertThat(ws.readUntilClose().closeCode()).isEqualTo(4400);
            }
        });
        row("W42", "an upgrade with a Host the server does not answer to", "421 host_not_allowed", () -> {
            String evil = "rebind.evil.example:" + server.port();
            try (RawWebSocket ws = RawWebSocket.over(server.port(), "GET /bridge/ws HTTP/1.1\r\nHost: " + evil
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nOrigin: http://" + evil + "\r\n")) {
                assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 421");
            }
        });
        row("W45", "attach: a token the authenticator refuses", "4401 auth_refused", () -> {
            try (RawWebSocket ws = rawSocket()) {
                ws.sendText("{\"t\":\"attach\",\"last\":0,\"auth\":\"refuse-me\"}");
                assertClosedWith(ws, 4401, "auth_refused");
            }
        });
        row("W46", "attach: a resume (id and key right) with another user's token", "4406 principal_changed", () -> {
            String sid, key;
            try (RawWebSocket ws = rawSocket()) {
                ws.sendText("{\"t\":\"attach\",\"last\":0,\"auth\":\"as-ann\"}");
                JsonObject open = JsonParser.parseString(ws.read().text()).getAsJsonObject();
                sid = open.get("sid").getAsString();
                key = open.get("key").getAsString();
            }
            try (RawWebSocket ws = rawSocket()) {
                ws.sendText("{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"key\":\"" + key + "\",\"last\":0,\"auth\":\"as-bob\"}");
                assertClosedWith(ws, 4406, "principal_changed");
            }
        });
        row("W47", "attach: a resume (id and key right) of a session in the polling A/B cohort", "4412 polling_cohort", () -> {
            // A server of its own: this one runs no A/B split (its healthy WebSocket client must stay on WebSocket).
            try (TestServer split = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO),
                    TestServer.config().abPollingShare(1).build(), List.of(new LongPollingModule()))) {
                String sid, key;
                try (RawWebSocket ws = new RawWebSocket(split.port(), "/bridge/ws", null)) {
                    ws.sendText("{\"t\":\"attach\",\"last\":0}");
                    JsonObject open = JsonParser.parseString(ws.read().text()).getAsJsonObject();
                    assertThat(open.get("cohort").getAsString()).isEqualTo("polling");
                    sid = open.get("sid").getAsString();
                    key = open.get("key").getAsString();
                    assertThat(ws.readUntilClose().closeCode()).as("a new session is opened, then moved").isEqualTo(4412);
                }
                try (RawWebSocket ws = new RawWebSocket(split.port(), "/bridge/ws", null)) {
                    ws.sendText("{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"key\":\"" + key + "\",\"last\":0}");
                    assertClosedWith(ws, 4412, "polling_cohort");
                }
                assertThat(split.bridge.find(sid).isOpen()).as("the session lives on, for long-polling").isTrue();
            }
        });
        row("W41", "an upgrade whose Origin is not exactly scheme://host[:port] (userinfo, path)", "403 origin_not_allowed", () -> {
            String self = "127.0.0.1:" + server.port();
            for (String origin : List.of("http://evil.example@" + self, "http://" + self + "/x")) {
                try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", origin)) {
                    assertThat(ws.handshakeResponse).as(origin).startsWith("HTTP/1.1 403");
                }
            }
        });
    }
}
