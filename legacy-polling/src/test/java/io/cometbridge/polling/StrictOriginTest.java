package io.cometbridge.polling;

import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9 item 6: an Origin header is compared only in its exact RFC 6454 shape; a looser value
 * that a URI parser would read as an allowed origin is refused and never echoed in CORS headers.
 */
class StrictOriginTest {
    private static final String ALLOWED = "http://allowed.example.com";
    private static final String ATTACH = "{\"t\":\"attach\",\"last\":0}";
    private TestServer server;
    private String host;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO),
                TestServer.config().allowedOrigins(List.of(ALLOWED)).build(), List.of(new LongPollingModule()));
        host = "127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void looseOriginsAreRefusedOnPollingAndNeverEchoed() throws Exception {
        for (String loose : List.of("http://evil.com@allowed.example.com", "http://allowed.example.com/x",
                "http://allowed.example.com:", "http://allowed.example.com?x")) {
            RawHttp.Response r = RawHttp.post(server.port(), "/bridge/poll/attach", host, "Origin: " + loose + "\r\n", ATTACH);
            assertThat(r.status()).as(loose).isEqualTo(403);
            assertThat(r.body()).contains("\"error\":\"origin_not_allowed\"");
            assertThat(r.header("Access-Control-Allow-Origin")).as(loose).isNull();
        }
        RawHttp.Response ok = RawHttp.post(server.port(), "/bridge/poll/attach", host, "Origin: " + ALLOWED + "\r\n", ATTACH);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    }

    @Test
    void twoOriginHeadersAreRefused() throws Exception {
        RawHttp.Response r = RawHttp.post(server.port(), "/bridge/poll/attach", host,
                "Origin: " + ALLOWED + "\r\nOrigin: http://evil.example\r\n", ATTACH);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void looseOriginsAreRefusedOnWebSocket() throws Exception {
        for (String loose : List.of("http://evil.com@allowed.example.com", "http://allowed.example.com/x")) {
            try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", loose)) {
                assertThat(ws.handshakeResponse).as(loose).startsWith("HTTP/1.1 403");
            }
        }
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", ALLOWED)) {
            assertThat(ws.upgraded()).isTrue();
        }
    }
}
