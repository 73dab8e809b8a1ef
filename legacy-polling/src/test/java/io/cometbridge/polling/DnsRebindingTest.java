package io.cometbridge.polling;

import io.cometbridge.server.StaticResourcesModule;
import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9 item 4, DNS rebinding: a page at http://rebind.evil.example:PORT whose name an attacker
 * points at 127.0.0.1 sends requests with a matching Host and Origin, so the Origin check alone
 * passes. The Host allowlist refuses every endpoint with 421 host_not_allowed; loopback names and
 * IP addresses still work.
 */
class DnsRebindingTest {
    private static final String ATTACH = "{\"t\":\"attach\",\"last\":0}";
    private TestServer server;
    private String evil;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(),
                List.of(new LongPollingModule(), StaticResourcesModule.atPrefix("io/cometbridge/client-js/")),
                b -> b.stats(true));
        evil = "rebind.evil.example:" + server.port();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private String origin(String host) {
        return "Origin: http://" + host + "\r\n";
    }

    @Test
    void foreignHostIsRefusedOnEveryEndpoint() throws Exception {
        int port = server.port();
        List<RawHttp.Response> answers = List.of(
                RawHttp.post(port, "/bridge/poll/attach", evil, origin(evil), ATTACH),
                RawHttp.get(port, "/bridge/stats", evil, origin(evil)),
                RawHttp.get(port, "/bridge/client.js", evil, ""),
                RawHttp.get(port, "/bridge/ws?n=nonceEEEEEEEEEEEE", evil, origin(evil)),
                RawHttp.get(port, "/no/such/page", evil, ""));
        for (RawHttp.Response r : answers) {
            assertThat(r.status()).as(r.raw()).isEqualTo(421);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.body()).contains("\"error\":\"host_not_allowed\"");
        }
        try (RawWebSocket ws = rawWebSocket(evil)) {
            assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 421");
        }
        assertThat(server.bridge.sessionCount()).as("no session opened").isZero();
    }

    @Test
    void loopbackNamesAndAddressesStillWork() throws Exception {
        int port = server.port();
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port, "127.0.0.1", "localhost")) {
            RawHttp.Response r = RawHttp.post(port, "/bridge/poll/attach", host, origin(host), ATTACH);
            assertThat(r.status()).as(host).isEqualTo(200);
            assertThat(RawHttp.get(port, "/bridge/client.js", host, "").status()).as(host).isEqualTo(200);
        }
        try (RawWebSocket ws = rawWebSocket("localhost:" + port)) {
            assertThat(ws.upgraded()).isTrue();
        }
    }

    /** A handshake with a chosen Host (RawWebSocket always says 127.0.0.1). */
    private RawWebSocket rawWebSocket(String host) throws IOException {
        String request = "GET /bridge/ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://" + host + "\r\n";
        return RawWebSocket.over(server.port(), request);
    }
}
