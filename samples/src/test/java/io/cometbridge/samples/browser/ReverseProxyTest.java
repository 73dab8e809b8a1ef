package io.cometbridge.samples.browser;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 item 5 through a real nginx with the README's settings (proxies/nginx-trusted.conf): it
 * rewrites Host to the bridge's address and forwards the public one in X-Forwarded-Host. A browser's
 * requests (their Origin is nginx's) get a 403 that says why without --trusted-proxies, and connect
 * with it, on both transports; a damaged handshake behind it is still diagnosed (PROTOCOL.md 3.1).
 */
class ReverseProxyTest {
    private static final String ATTACH = "{\"t\":\"attach\",\"last\":0,\"ws\":\"nonceFFFFFFFFFFFFFFFF\"}";
    private BridgeServer server;
    private ProxyProcess nginx;
    private String page; // the browser's view: nginx's address

    @BeforeAll
    static void requireNginx() {
        assertTrue(ProxyProcess.installed("/usr/sbin/nginx"), "nginx is not installed (scripts/install-test-deps.sh)");
    }

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) nginx.close();
        if (server != null) server.close();
    }

    private void start(List<String> trustedProxies) throws Exception {
        BridgeHandler ignore = (session, message) -> { };
        Bridge bridge = Bridge.builder(ignore).config(BridgeConfig.builder().pollTimeout(Duration.ofSeconds(2)).build()).build();
        server = BridgeServer.builder(bridge).host("127.0.0.1").port(0).drain(Duration.ofMillis(100))
                .trustedProxies(trustedProxies).module(new LongPollingModule()).build().start();
        int port = TempDirs.freePort();
        nginx = ProxyProcess.nginx("nginx-trusted.conf", port, server.port());
        page = "127.0.0.1:" + port;
    }

    private RawHttp.Response attachThroughNginx() throws Exception {
        return RawHttp.post(nginx.port, "/bridge/poll/attach", page, "Origin: http://" + page + "\r\n", ATTACH);
    }

    private RawWebSocket handshakeThroughNginx(String upgradeHeaders) throws Exception {
        return RawWebSocket.over(nginx.port, "GET /bridge/ws?n=nonceFFFFFFFFFFFFFFFF HTTP/1.1\r\nHost: " + page + "\r\n"
                + upgradeHeaders + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n"
                + "Origin: http://" + page + "\r\n");
    }

    @Test
    void withoutTrustedProxies_theBrowserGetsA403ThatSaysWhy() throws Exception {
        start(List.of());
        RawHttp.Response r = attachThroughNginx();
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("\"error\":\"origin_not_allowed\"")
                .contains("origin http://" + page + " is not allowed: expected http://127.0.0.1:" + server.port())
                .contains("--allowed-origins").contains("--trusted-proxies");
        try (RawWebSocket ws = handshakeThroughNginx("Upgrade: websocket\r\nConnection: Upgrade\r\n")) {
            assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 403");
        }
    }

    @Test
    void withNginxTrusted_bothTransportsConnect() throws Exception {
        start(List.of("127.0.0.1"));
        RawHttp.Response r = attachThroughNginx();
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).as("the page's own origin: no CORS headers").isNull();
        try (RawWebSocket ws = handshakeThroughNginx("Upgrade: websocket\r\nConnection: Upgrade\r\n")) {
            assertThat(ws.upgraded()).as(ws.handshakeResponse).isTrue();
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            assertThat(ws.read().text()).startsWith("{\"t\":\"open\"");
        }
    }

    @Test
    void withNginxTrusted_aDamagedHandshakeIsStillDiagnosed() throws Exception {
        start(List.of("127.0.0.1"));
        Frame.Open open = (Frame.Open) FrameCodec.decodeBatch(attachThroughNginx().body()).get(0);
        // A handshake that lost its Upgrade before nginx: nginx sends Connection: close, no Upgrade.
        try (RawWebSocket ws = handshakeThroughNginx("Connection: keep-alive\r\n")) {
            assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 426");
        }
        RawHttp.Response recv = RawHttp.post(nginx.port, "/bridge/poll/recv", page,
                "Origin: http://" + page + "\r\nX-Bridge-Session: " + open.sid() + "\r\nX-Bridge-Key: " + open.key() + "\r\n",
                "[{\"t\":\"ack\",\"a\":0}]");
        assertThat(recv.status()).as(recv.raw()).isEqualTo(200);
        assertThat(FrameCodec.decodeBatch(recv.body())).singleElement().isInstanceOfSatisfying(Frame.Notice.class,
                n -> assertThat(n.reason()).startsWith("upgrade_stripped:").contains("HTTP/1.1"));
    }

    /** The README shows exactly the nginx settings tested here. */
    @Test
    void readmeShowsTheTestedNginxSettings() throws Exception {
        String conf;
        try (var in = ReverseProxyTest.class.getResourceAsStream("/proxies/nginx-trusted.conf")) {
            conf = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String block = conf.substring(conf.indexOf("# BEGIN README\n") + 15, conf.indexOf("    # END README"));
        String shown = block.replaceAll("(?m)^    ", "").replace("listen 127.0.0.1:${PORT};", "listen 443 ssl;")
                .replace("${UPSTREAM_PORT}", "8080");
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(dir.resolve("README.md"))) dir = dir.getParent();
        assertThat(Files.readString(dir.resolve("README.md"))).contains(shown);
    }
}
