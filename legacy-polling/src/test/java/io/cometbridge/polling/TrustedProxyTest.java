package io.cometbridge.polling;

import io.cometbridge.server.BridgeServer;
import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9 item 5: forwarding headers are believed only from trusted proxies. Here the test itself
 * is the proxy (its connections come from 127.0.0.1); ReverseProxyTest puts a real nginx between.
 */
class TrustedProxyTest {
    private static final String ATTACH = "{\"t\":\"attach\",\"last\":0}";
    private static final String PUBLIC = "chat.example.com:8443";
    private TestServer server;
    private String upstream;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    private void start(Consumer<BridgeServer.Builder> settings) throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO),
                TestServer.config().newSessionsPerSecond(0.001).newSessionBurst(2).build(),
                List.of(new LongPollingModule()), b -> settings.accept(b.allowedHosts(List.of("chat.example.com"))));
        upstream = "127.0.0.1:" + server.port();
    }

    /** What nginx sends upstream with the README's settings: its own Host, the public one forwarded. */
    private RawHttp.Response attachVia(String forwarding, String origin) throws Exception {
        return RawHttp.post(server.port(), "/bridge/poll/attach", upstream, forwarding + "Origin: " + origin + "\r\n", ATTACH);
    }

    private static String xForwarded(String client) {
        return "X-Forwarded-For: " + client + "\r\nX-Forwarded-Host: " + PUBLIC + "\r\nX-Forwarded-Proto: https\r\n";
    }

    @Test
    void fromATrustedProxy_thePublicOriginIsTheServersOwn() throws Exception {
        start(b -> b.trustedProxies(List.of("127.0.0.1")));
        RawHttp.Response r = attachVia(xForwarded("203.0.113.7"), "https://" + PUBLIC);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).as("same origin: no CORS headers").isNull();
        RawHttp.Response rfc = attachVia("Forwarded: for=203.0.113.8;host=\"" + PUBLIC + "\";proto=https\r\n", "https://" + PUBLIC);
        assertThat(rfc.status()).as(rfc.raw()).isEqualTo(200);
        // The page's origin must still match what the proxy forwarded.
        assertThat(attachVia(xForwarded("203.0.113.7"), "http://" + PUBLIC).status()).isEqualTo(403);
    }

    @Test
    void fromAnUntrustedPeer_headersAreIgnoredAnd403SaysWhy() throws Exception {
        start(b -> b.trustedProxies(List.of("10.0.0.0/8")));
        RawHttp.Response r = attachVia(xForwarded("203.0.113.7"), "https://" + PUBLIC);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("\"error\":\"origin_not_allowed\"")
                .contains("origin https://" + PUBLIC + " is not allowed: expected http://" + upstream)
                .contains("--allowed-origins")
                .contains("a proxy at 127.0.0.1 that sent forwarding headers")
                .contains("--trusted-proxies");
        try (RawWebSocket ws = RawWebSocket.over(server.port(), handshake(xForwarded("203.0.113.7"), "https://" + PUBLIC))) {
            assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 403");
        }
    }

    @Test
    void forwardedHostStillPassesTheHostAllowlist() throws Exception {
        start(b -> b.trustedProxies(List.of("127.0.0.1")));
        String evil = "rebind.evil.example";
        RawHttp.Response r = attachVia("X-Forwarded-Host: " + evil + "\r\n", "http://" + evil);
        assertThat(r.status()).isEqualTo(421);
        assertThat(r.body()).contains("host rebind.evil.example is not allowed");
    }

    @Test
    void theSessionRateCountsTheForwardedClient_onBothTransports() throws Exception {
        start(b -> b.trustedProxies(List.of("127.0.0.0/8")));
        String origin = "https://" + PUBLIC;
        for (int i = 0; i < 2; i++) assertThat(attachVia(xForwarded("203.0.113.7"), origin).status()).isEqualTo(200);
        assertThat(attachVia(xForwarded("203.0.113.7"), origin).status()).as("burst of 2 spent").isEqualTo(429);
        // A client cannot escape by prepending addresses: the proxy appends the real one.
        assertThat(attachVia(xForwarded("198.51.100.1, 203.0.113.7"), origin).status()).isEqualTo(429);
        // Trusted hops to the right are skipped.
        assertThat(attachVia(xForwarded("203.0.113.7, 127.0.0.5"), origin).status()).isEqualTo(429);
        assertThat(attachVia(xForwarded("203.0.113.9"), origin).status()).as("another client").isEqualTo(200);

        try (RawWebSocket ws = RawWebSocket.over(server.port(), handshake(xForwarded("203.0.113.7"), origin))) {
            assertThat(ws.upgraded()).as(ws.handshakeResponse).isTrue();
            ws.sendText(ATTACH);
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(4429);
        }
        try (RawWebSocket ws = RawWebSocket.over(server.port(), handshake(xForwarded("203.0.113.10"), origin))) {
            ws.sendText(ATTACH);
            assertThat(ws.read().text()).startsWith("{\"t\":\"open\"");
        }
    }

    @Test
    void withoutTrustedProxies_everyoneIsThePeer() throws Exception {
        start(b -> { });
        String origin = "http://" + upstream;
        assertThat(attachVia(xForwarded("203.0.113.1"), origin).status()).isEqualTo(200);
        assertThat(attachVia(xForwarded("203.0.113.2"), origin).status()).isEqualTo(200);
        assertThat(attachVia(xForwarded("203.0.113.3"), origin).status()).as("all from 127.0.0.1").isEqualTo(429);
    }

    private String handshake(String forwarding, String origin) {
        return "GET /bridge/ws HTTP/1.1\r\nHost: " + upstream + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n" + forwarding + "Origin: " + origin + "\r\n";
    }
}
