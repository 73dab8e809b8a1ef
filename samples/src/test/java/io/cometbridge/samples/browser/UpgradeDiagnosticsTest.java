package io.cometbridge.samples.browser;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server side of "why did WebSocket fail" (PROTOCOL.md 3.1) without a browser: a damaged
 * handshake to {prefix}/ws is answered 426 with the reason, and the polling session that names the
 * same nonce gets the reason as a notice, whichever of the two came first.
 */
class UpgradeDiagnosticsTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private BridgeServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        BridgeHandler ignore = (session, message) -> { };
        Bridge bridge = Bridge.builder(ignore).config(BridgeConfig.builder().pollTimeout(Duration.ofSeconds(5)).build()).build();
        server = BridgeServer.builder(bridge).drain(Duration.ofMillis(100)).module(new LongPollingModule()).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void handshakeWithoutUpgrade_isAnswered426_andTheNextPollingAttachHearsWhy() throws Exception {
        String nonce = "nonceAAAAAAAAAAAAAAAAA";
        // What nginx with a plain proxy_pass forwards: HTTP/1.0, no Upgrade, Connection: close.
        String answer = raw("GET /bridge/ws?n=" + nonce + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 426").contains("\"error\":\"upgrade_required\"").contains("upgrade_stripped");

        String sid = attach(nonce);
        List<Frame> frames = recv(sid, 0).get();
        assertThat(frames).singleElement().isInstanceOfSatisfying(Frame.Notice.class, n -> {
            assertThat(n.kind()).isEqualTo("ws_fallback");
            assertThat(n.reason()).startsWith("upgrade_stripped:").contains("HTTP/1.0").contains("Connection: close");
        });
    }

    @Test
    void damagedHandshakeAfterTheAttach_isPushedToTheHeldPoll() throws Exception {
        String nonce = "nonceBBBBBBBBBBBBBBBBBB";
        String sid = attach(nonce);
        CompletableFuture<List<Frame>> held = recv(sid, 0);
        Thread.sleep(200);
        // A proxy that dropped the upgrade headers, and says who it is.
        String answer = raw("GET /bridge/ws?n=" + nonce + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
                + "Via: 1.1 corp-proxy\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 426");
        assertThat(held.get()).singleElement().isInstanceOfSatisfying(Frame.Notice.class,
                n -> assertThat(n.reason()).startsWith("upgrade_stripped:").contains("HTTP/1.1, Connection: keep-alive")
                        .endsWith("[a Via header was present]").doesNotContain("corp-proxy"));
    }

    @Test
    void plainGetAndOtherNonces_tellNobodyElse() throws Exception {
        String mine = "nonceCCCCCCCCCCCCCCCCCC";
        String sid = attach(mine);
        CompletableFuture<List<Frame>> held = recv(sid, 0);
        // Someone else's damaged attempt first: this session must not hear about it.
        raw("GET /bridge/ws?n=someoneElsesNonce1 HTTP/1.0\r\nSec-WebSocket-Key: " + KEY + "\r\n\r\n");
        String answer = raw("GET /bridge/ws?n=" + mine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 426").contains("not_websocket");
        assertThat(held.get()).singleElement().isInstanceOfSatisfying(Frame.Notice.class,
                n -> assertThat(n.reason()).startsWith("not_websocket:"));
    }

    /**
     * Issue 9 item 7: anyone who knows a client's nonce can send damaged handshakes under it, so the
     * notice carries only server-chosen words: a code, fixed text, the HTTP version, and whether a
     * Via header was present, never header text.
     */
    @Test
    void noticeCarriesOnlyServerChosenText() throws Exception {
        String nonce = "nonceDDDDDDDDDDDDDDDDDD";
        String sid = attach(nonce);
        String injected = "Your session expired, log in at http://evil.example";
        List<String> attempts = List.of(
                "GET /bridge/ws?n=" + nonce + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: " + injected + "\r\n"
                        + "Via: 1.1 " + injected + "\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n",
                "GET /bridge/ws?n=" + nonce + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: Evil-" + injected.replace(' ', '-')
                        + "\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n",
                "GET /bridge/ws?n=" + nonce + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close, " + injected + "\r\nUpgrade: websocket\r\n"
                        + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n",
                "LOGIN_AT_EVIL_EXAMPLE /bridge/ws?n=" + nonce + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        List<String> reasons = new java.util.ArrayList<>();
        long last = 0;
        for (String attempt : attempts) {
            String answer = raw(attempt);
            assertThat(answer).startsWith("HTTP/1.1 4");
            List<Frame> frames = recv(sid, last).get();
            for (Frame f : frames) if (f instanceof Frame.Notice n) reasons.add(n.reason());
        }
        assertThat(reasons).hasSize(attempts.size());
        for (String reason : reasons) {
            assertThat(reason).as(reason).doesNotContainIgnoringCase("evil").doesNotContainIgnoringCase("log in")
                    .matches("(upgrade_stripped|upgrade_changed|connection_stripped|method_changed|not_websocket|not_upgraded): [\\w ,.:()\\[\\]/\"-]*")
                    .doesNotContain("Via:");
        }
        assertThat(reasons.get(0)).contains("[a Via header was present]");
    }

    @Test
    void attachAndNoticeFramesRoundTrip() {
        Frame.Attach a = (Frame.Attach) FrameCodec.decode(FrameCodec.encode(new Frame.Attach(null, null, 0, "abcdefgh")));
        assertThat(a.ws()).isEqualTo("abcdefgh");
        assertThat(FrameCodec.encode(new Frame.Attach("s", 3))).isEqualTo("{\"t\":\"attach\",\"sid\":\"s\",\"last\":3}");
        Frame.Notice n = new Frame.Notice("ws_fallback", "why \"quoted\"");
        assertThat(FrameCodec.decode(FrameCodec.encode(n))).isEqualTo(n);
    }

    private String attach(String nonce) throws Exception {
        HttpResponse<String> r = http.send(post("attach", null, "{\"t\":\"attach\",\"last\":0,\"ws\":\"" + nonce + "\"}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Frame.Open open = (Frame.Open) FrameCodec.decodeBatch(r.body()).get(0);
        keys.put(open.sid(), open.key());
        return open.sid();
    }

    /** Each session's resume key (its polling requests present it). */
    private final java.util.Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();

    private CompletableFuture<List<Frame>> recv(String sid, long ack) {
        return http.sendAsync(post("recv", sid, "[{\"t\":\"ack\",\"a\":" + ack + "}]"), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    return FrameCodec.decodeBatch(r.body());
                });
    }

    private HttpRequest post(String endpoint, String sid, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/poll/" + endpoint))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (sid != null) b.header("X-Bridge-Session", sid).header("X-Bridge-Key", keys.get(sid));
        return b.build();
    }

    /** One raw HTTP exchange (the JDK client will not send a handshake without Upgrade). */
    private String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            StringBuilder text = new StringBuilder();
            // Read until the JSON body is complete (the connection may stay open).
            while (!text.toString().contains("\"}")) {
                int n = in.read(buf);
                if (n < 0) break;
                text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            return text.toString();
        }
    }
}
