package io.cometbridge.polling;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.session.SessionIds;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.FrameFuzzer;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the server's request handling end to end: mutated frames and batches as polling request
 * bodies (with live, guessed and mangled session headers, odd content types and endpoints) and as
 * WebSocket text and binary messages. Properties: only documented HTTP statuses with the
 * documented JSON error for them, only documented close codes, no failure inside a session task,
 * and a control client on each transport still round-trips afterwards.
 *
 * <p>{@code -Dfuzz.seconds} (default 3) per transport, or {@code -Dfuzz.iterations}; {@code
 * scripts/fuzz.sh} runs it long.
 */
class ServerFuzzTest {
    static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    static final long ITERATIONS = Long.getLong("fuzz.iterations", 0);
    static final double SECONDS = Double.parseDouble(System.getProperty("fuzz.seconds", "3"));
    static final int MAX_REQUEST = 512 * 1024;
    static final Set<Integer> HTTP_STATUSES = Set.of(200, 400, 404, 405, 409, 413, 415);
    /** Jetty's own refusals (PROTOCOL.md section 5): a request line plus headers above 8 KiB. */
    static final Set<Integer> JETTY_STATUSES = Set.of(414, 431);
    /** Close codes a client can provoke (PROTOCOL.md section 5; 1002 from Jetty's protocol checks). */
    static final Set<Integer> CLOSE_CODES = Set.of(4400, 4404, 4408, 4409, 1007, 1009, 1002, 1000);

    private static TestServer server;
    private static BridgeClient controlWs, controlPoll;
    private static final ClientLog wsLog = new ClientLog(), pollLog = new ClientLog();
    private static final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<LogRecord> serverProblems = new ConcurrentLinkedQueue<>();
    private static final Handler logWatch = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()
                    && (r.getLoggerName().startsWith("io.cometbridge.session") || r.getLoggerName().startsWith("io.cometbridge.util"))) {
                serverProblems.add(r);
            }
        }

        @Override public void flush() { }
        @Override public void close() { }
    };

    @BeforeAll
    static void start() throws Exception {
        Logger.getLogger("io.cometbridge").addHandler(logWatch);
        BridgeConfig config = TestServer.config()
                .maxMessageBytes(64 * 1024).maxRequestBytes(MAX_REQUEST)
                .pollTimeout(Duration.ofMillis(300)) // held polls end fast: the fuzzer never waits long
                .gracePeriod(Duration.ofSeconds(2))   // abandoned fuzz sessions are reaped during the run
                .build();
        server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD), config, List.of(new LongPollingModule()));
        controlWs = BridgeClient.builder(server.uri()).transports(TransportKind.WEBSOCKET).listener(wsLog).build();
        controlPoll = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING).listener(pollLog).build();
        controlWs.connect().get();
        controlPoll.connect().get();
    }

    @AfterAll
    static void stop() throws Exception {
        Logger.getLogger("io.cometbridge").removeHandler(logWatch);
        controlWs.close();
        controlPoll.close();
        server.close();
    }

    /** The server stays healthy: the control clients still round-trip, nothing failed inside a session. */
    @AfterEach
    void serverStillHealthy() throws Exception {
        for (BridgeClient c : List.of(controlWs, controlPoll)) c.send("ping").get(10, TimeUnit.SECONDS);
        assertThat(server.app.received.get(controlWs.sessionId())).isNotEmpty();
        assertThat(server.app.closed).doesNotContainKeys(controlWs.sessionId(), controlPoll.sessionId());
        try {
            assertThat(serverProblems).extracting(LogRecord::getMessage).isEmpty();
            assertThat(failures).isEmpty();
        } finally {
            serverProblems.clear();
            failures.clear();
        }
    }

    // ---------------------------------------------------------------- HTTP

    private static boolean isClosedPooledConnection(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return c instanceof java.io.IOException && String.valueOf(c.getMessage()).contains("received no bytes");
    }

    @Test
    void pollingEndpointsAnswerOnlyDocumentedErrors() throws Exception {
        Random random = new Random(SEED);
        FrameFuzzer fuzzer = new FrameFuzzer(random);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(32);
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        String liveSession = attach(http);
        long start = System.nanoTime(), deadline = start + (long) (SECONDS * 1e9);
        long executions = 0;
        while (ITERATIONS > 0 ? executions < ITERATIONS : System.nanoTime() < deadline) {
            if (executions % 500 == 0) liveSession = attach(http); // fuzz frames close sessions now and then
            String endpoint = List.of("attach", "recv", "send", "send", "send", "recv").get(random.nextInt(6));
            if (random.nextInt(50) == 0) endpoint = fuzzer.mutate(endpoint).replaceAll("[^A-Za-z0-9/._~-]", "");
            // A quarter of the bodies are valid frames, so the fuzz also runs past the parser into sessions.
            byte[] body = random.nextInt(4) == 0
                    ? (endpoint.equals("attach") ? FrameFuzzer.FRAMES.get(random.nextInt(3)) : FrameFuzzer.BATCHES.get(random.nextInt(4)))
                            .getBytes(StandardCharsets.UTF_8)
                    : fuzzer.nextBytes();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/poll/" + endpoint))
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            switch (random.nextInt(12)) {
                case 0 -> { } // no content type
                case 1 -> b.header("Content-Type", "text/plain");
                case 2 -> b.header("Content-Type", "application/json; charset=latin1");
                default -> b.header("Content-Type", "application/json");
            }
            switch (random.nextInt(8)) {
                case 0 -> { } // no session header
                case 1 -> b.header("X-Bridge-Session", SessionIds.next());
                case 2 -> b.header("X-Bridge-Session", fuzzer.mutate(liveSession).replaceAll("[^\\x21-\\x7e]", "x"));
                case 3 -> b.header("X-Bridge-Session", liveSession).header("X-Bridge-Key", fuzzer.mutate(liveKey).replaceAll("[^\\x21-\\x7e]", "x"));
                default -> b.header("X-Bridge-Session", liveSession).header("X-Bridge-Key", liveKey);
            }
            String shown = "POST /poll/" + endpoint + " " + FrameFuzzer.show(new String(body, StandardCharsets.UTF_8));
            boolean tooLarge = body.length > MAX_REQUEST;
            boolean ambiguousPath = endpoint.contains("//");
            inFlight.acquire();
            HttpRequest request = b.build();
            // A keep-alive connection the server closed after an earlier bad request may be picked
            // from the client's pool just as it closes (HTTP/1.1 allows the server that close; the
            // JDK does not retry a POST): such a request is sent once more on a fresh connection.
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .exceptionallyCompose(e -> isClosedPooledConnection(e)
                            ? http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                            : CompletableFuture.failedFuture(e))
                    .whenComplete((r, e) -> {
                inFlight.release();
                if (e != null) {
                    if (tooLarge) { // 413 written early, then the connection closed under the rest of the upload (BAD_INPUT.md H36)
                        statuses.computeIfAbsent(-413, k -> new AtomicLong()).incrementAndGet();
                    } else {
                        failures.add("no answer (" + e + ") to " + shown);
                    }
                    return;
                }
                statuses.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                if (ambiguousPath && r.statusCode() == 400) return; // Jetty's own refusal (BAD_INPUT.md H53)
                String problem = checkHttp(r);
                if (problem != null) failures.add(problem + " for " + shown);
            });
            executions++;
        }
        inFlight.acquire(32);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("FUZZ polling HTTP: %d executions in %.1f s (%.0f/s), statuses %s (-413: reset after an early 413), seed %d%n",
                executions, seconds, executions / seconds, new TreeMap<>(statuses), SEED);
        assertThat(statuses.keySet()).contains(200, 400);
    }

    /** Null if the response is documented: status, JSON error naming an error with that status, or a frame batch. */
    private static String checkHttp(HttpResponse<String> r) {
        if (JETTY_STATUSES.contains(r.statusCode())) return null;
        if (!HTTP_STATUSES.contains(r.statusCode())) return "undocumented status " + r.statusCode() + " " + r.body();
        if (!r.headers().firstValue("Cache-Control").orElse("").equals("no-store")) return "cacheable response";
        try {
            if (r.statusCode() == 200) {
                FrameCodec.decodeBatch(r.body());
                return null;
            }
            JsonElement json = JsonParser.parseString(r.body());
            ErrorCode code = ErrorCode.fromWireName(json.getAsJsonObject().get("error").getAsString());
            if (code == null || code.httpStatus() != r.statusCode()) return "undocumented error body " + r.body();
            return null;
        } catch (RuntimeException e) {
            return "unreadable body (" + e + "): " + r.body();
        }
    }

    private static String attach(HttpClient http) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/poll/attach"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"t\":\"attach\",\"last\":0}")).build(), HttpResponse.BodyHandlers.ofString());
        var open = JsonParser.parseString(r.body()).getAsJsonArray().get(0).getAsJsonObject();
        liveKey = open.get("key").getAsString();
        return open.get("sid").getAsString();
    }

    /** The resume key of the latest session {@link #attach} opened (its polling requests present it). */
    private static volatile String liveKey;

    // ---------------------------------------------------------------- WebSocket

    @Test
    void webSocketClosesOnlyWithDocumentedCodes() throws Exception {
        Random random = new Random(SEED);
        FrameFuzzer fuzzer = new FrameFuzzer(random);
        Map<String, Long> outcomes = new TreeMap<>();
        long start = System.nanoTime(), deadline = start + (long) (SECONDS * 1e9);
        long executions = 0;
        RawWebSocket ws = null;
        try {
            while (ITERATIONS > 0 ? executions < ITERATIONS : System.nanoTime() < deadline) {
                if (ws == null) {
                    ws = new RawWebSocket(server.port(), "/bridge/ws", null);
                    if (random.nextInt(4) != 0) { // mostly fuzz an attached socket; sometimes the attach itself
                        ws.sendText("{\"t\":\"attach\",\"last\":0}");
                        String open = ws.read().text();
                        if (!open.startsWith("{\"t\":\"open\"")) failures.add("no open: " + open);
                    }
                }
                String shown;
                try {
                    if (random.nextInt(5) == 0) {
                        var frame = fuzzer.nextBinary();
                        shown = "binary " + frame.remaining() + " bytes";
                        ws.send(RawWebSocket.BINARY, java.util.Arrays.copyOf(frame.array(), frame.remaining()), true);
                    } else {
                        byte[] text = fuzzer.nextBytes();
                        shown = FrameFuzzer.show(new String(text, StandardCharsets.UTF_8));
                        ws.send(RawWebSocket.TEXT, text, true);
                    }
                    executions++;
                    String closed = drain(ws, random.nextInt(20) == 0);
                    if (closed != null) {
                        outcomes.merge(closed, 1L, Long::sum);
                        if (!closed.startsWith("close ") || !CLOSE_CODES.contains(Integer.parseInt(closed.substring(6, 10)))) {
                            failures.add("undocumented end " + closed + " after " + shown);
                        }
                        ws.close();
                        ws = null;
                    }
                } catch (IOException e) { // the server closed first and we wrote into it: next socket
                    outcomes.merge("reset", 1L, Long::sum);
                    ws.close();
                    ws = null;
                }
            }
        } finally {
            if (ws != null) ws.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("FUZZ WebSocket: %d executions in %.1f s (%.0f/s), socket ends %s, seed %d%n",
                executions, seconds, executions / seconds, outcomes, SEED);
        assertThat(outcomes.keySet()).anyMatch(k -> k.startsWith("close 4400"));
    }

    /**
     * Reads what the server has sent (waiting a little when {@code wait}); returns "close NNNN
     * error" if the socket was closed, else null. An error frame must name a documented error.
     */
    private static String drain(RawWebSocket ws, boolean wait) throws IOException {
        if (wait) ws.soTimeout(50);
        String error = "";
        try {
            while (wait || ws.hasData()) {
                RawWebSocket.Frame f;
                try {
                    f = ws.read();
                } catch (java.net.SocketTimeoutException e) {
                    return null;
                }
                if (f.opcode() == RawWebSocket.CLOSE) return "close " + f.closeCode() + error;
                if (f.opcode() == RawWebSocket.TEXT && f.text().startsWith("{\"t\":\"error\"")) {
                    String name = JsonParser.parseString(f.text()).getAsJsonObject().get("error").getAsString();
                    if (ErrorCode.fromWireName(name) == null) failures.add("undocumented error frame " + f.text());
                    error = " " + name;
                    if (!wait) ws.soTimeout(2000); // the close frame follows the error frame
                    wait = true;
                }
            }
            return null;
        } finally {
            ws.soTimeout(10_000);
        }
    }
}
