package io.cometbridge.embed;

import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.BridgeServlets;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.server.BridgeMount;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.server.ContextMount;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14 item 2: the bridge inside an application's servlet context at {@code /app}, at
 * {@code /app/rt} ({@link BridgeServlets}). Every check runs twice, against that mount and against
 * the standalone {@link BridgeServer} with the prefix {@code /app/rt}, with the same assertions: the
 * protections (Host, Origin, sizes, upgrade diagnosis, statistics token, authentication, the poll
 * hold) are the standalone server's, over both transports.
 */
class ServletContextMountTest {
    private static final int MAX_MESSAGE = 1000;
    private static final String AUTHORIZED_ATTACH = "{\"t\":\"attach\",\"last\":0,\"auth\":\"let-me-in\"}";

    enum Setup { SERVLET_CONTEXT, STANDALONE }

    private final RecordingApp app = new RecordingApp(RecordingApp.Mode.ECHO);
    private Server jetty;        // SERVLET_CONTEXT
    private BridgeServer server; // STANDALONE
    private int port;

    private void start(Setup setup) throws Exception {
        BridgeConfig config = TestServer.config().maxMessageBytes(MAX_MESSAGE).pollTimeout(Duration.ofSeconds(1)).build();
        Bridge bridge = Bridge.builder(app).config(config)
                .authenticator(Authenticator.of(r -> "let-me-in".equals(r.token()) ? AuthResult.accept("ann") : AuthResult.refuse("no")))
                .build();
        app.bridgeRooms = bridge.rooms();
        if (setup == Setup.STANDALONE) {
            server = BridgeServer.builder(bridge).host("127.0.0.1").port(0).prefix("/app/rt").module(new LongPollingModule())
                    .stats(true).statsToken("stats-secret").build().start();
            port = server.port();
            return;
        }
        jetty = new Server();
        ServletContextHandler application = new ServletContextHandler("/app");
        application.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("hello from a servlet");
            }
        }), "/hello");
        ContextMount mount = BridgeServlets.addTo(jetty, application, BridgeMount.builder(bridge).prefix("/rt").stats(true, "stats-secret"));
        HttpConfiguration http = new HttpConfiguration();
        mount.configure(http);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setIdleTimeout(mount.idleTimeout().toMillis());
        jetty.addConnector(connector);
        jetty.setHandler(application);
        jetty.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) jetty.stop();
        if (server != null) server.close();
    }

    private URI bridgeUri() {
        return URI.create("http://127.0.0.1:" + port + "/app/rt");
    }

    private String self() {
        return "127.0.0.1:" + port;
    }

    @ParameterizedTest
    @EnumSource(Setup.class)
    void aClientChatsOverBothTransports(Setup setup) throws Exception {
        start(setup);
        ClientLog log = new ClientLog();
        try (BridgeClient client = BridgeClient.builder(bridgeUri()).tokenProvider(() -> "let-me-in").listener(log).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            assertThat(client.transport()).isEqualTo(TransportKind.WEBSOCKET);
            assertThat(app.session(client.sessionId()).principal().getName()).isEqualTo("ann");
            client.send("over websocket").get(10, TimeUnit.SECONDS);
            client.switchTo(TransportKind.POLLING).get(10, TimeUnit.SECONDS);
            client.send("over polling").get(10, TimeUnit.SECONDS);
            await().atMost(10, TimeUnit.SECONDS).until(() -> log.texts().containsAll(java.util.List.of("over websocket", "over polling")));
        }
        assertThat(log.texts()).containsExactly("over websocket", "over polling");
    }

    @ParameterizedTest
    @EnumSource(Setup.class)
    void aForeignHostIsRefusedOnEveryBridgePath(Setup setup) throws Exception {
        start(setup);
        for (RawHttp.Response r : new RawHttp.Response[]{
                RawHttp.get(port, "/app/rt/stats", "rebound.example", "Authorization: Bearer stats-secret\r\n"),
                RawHttp.post(port, "/app/rt/poll/attach", "rebound.example", "", AUTHORIZED_ATTACH),
                RawHttp.get(port, "/app/rt/nothing", "rebound.example", "")}) {
            assertThat(r.status()).isEqualTo(421);
            assertThat(r.body()).contains("\"error\":\"host_not_allowed\"");
        }
        try (RawWebSocket ws = RawWebSocket.over(port, "GET /app/rt/ws HTTP/1.1\r\nHost: rebound.example\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n")) {
            assertThat(ws.upgraded()).isFalse();
            assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 421");
        }
    }

    @ParameterizedTest
    @EnumSource(Setup.class)
    void aForeignOriginIsRefusedOverBothTransports(Setup setup) throws Exception {
        start(setup);
        try (RawWebSocket ws = new RawWebSocket(port, "/app/rt/ws", "http://evil.example")) {
            assertThat(ws.upgraded()).isFalse();
            assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 403");
        }
        RawHttp.Response poll = RawHttp.post(port, "/app/rt/poll/attach", self(), "Origin: http://evil.example\r\n", AUTHORIZED_ATTACH);
        assertThat(poll.status()).isEqualTo(403);
        assertThat(poll.body()).contains("\"error\":\"origin_not_allowed\"");
        try (RawWebSocket ws = new RawWebSocket(port, "/app/rt/ws", "http://" + self())) {
            assertThat(ws.upgraded()).isTrue(); // the page's own origin passes
        }
    }

    @ParameterizedTest
    @EnumSource(Setup.class)
    void oversizeInputIsRefusedOverBothTransports(Setup setup) throws Exception {
        start(setup);
        RawHttp.Response body = RawHttp.post(port, "/app/rt/poll/attach", self(), "", "[" + " ".repeat(7 * MAX_MESSAGE) + "]");
        assertThat(body.status()).isEqualTo(413);
        assertThat(body.body()).contains("\"error\":\"too_large\"");
        try (RawWebSocket ws = attachedSocket()) {
            ws.sendText("[1,\"" + "x".repeat(MAX_MESSAGE + 1) + "\"]"); // above the message limit, within the frame limit
            RawWebSocket.Frame error = ws.read();
            assertThat(error.text()).contains("\"error\":\"too_large\"");
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(1009);
        }
        try (RawWebSocket ws = attachedSocket()) {
            ws.sendText("[1,\"" + "x".repeat(10 * MAX_MESSAGE) + "\"]"); // above the frame limit: Jetty's own close
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(1009);
        }
    }

    @ParameterizedTest
    @EnumSource(Setup.class)
    void theDocumentedAnswersUnderThePrefix(Setup setup) throws Exception {
        start(setup);
        RawHttp.Response notUpgraded = RawHttp.get(port, "/app/rt/ws", self(), "");
        assertThat(notUpgraded.status()).isEqualTo(426);
        assertThat(notUpgraded.body()).contains("\"error\":\"upgrade_required\"");
        assertThat(RawHttp.get(port, "/app/rt/stats", self(), "").status()).isEqualTo(401);
        assertThat(RawHttp.get(port, "/app/rt/stats", self(), "Authorization: Bearer stats-secret\r\n").status()).isEqualTo(200);
        for (String path : new String[]{"/app/rt/nothing", "/app/rt/poll", "/app/rt/poll/other"}) {
            RawHttp.Response missing = RawHttp.get(port, path, self(), "");
            assertThat(missing.status()).as(path).isEqualTo(404);
            assertThat(missing.body()).as(path).contains("\"error\":\"not_found\"");
        }
        RawHttp.Response wrongMethod = RawHttp.get(port, "/app/rt/poll/attach", self(), "");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body()).contains("\"error\":\"method_not_allowed\"");
        RawHttp.Response refused = RawHttp.post(port, "/app/rt/poll/attach", self(), "", "{\"t\":\"attach\",\"last\":0}");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("\"error\":\"auth_refused\"");
    }

    /** The poll timeout holds: a receive with nothing to say is answered 200 [] when it ends, not held forever. */
    @ParameterizedTest
    @EnumSource(Setup.class)
    void aHeldReceiveEndsAtThePollTimeout(Setup setup) throws Exception {
        start(setup);
        RawHttp.Response attach = RawHttp.post(port, "/app/rt/poll/attach", self(), "", AUTHORIZED_ATTACH);
        assertThat(attach.status()).isEqualTo(200);
        String sid = attach.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
        String key = attach.body().replaceAll(".*\"key\":\"([^\"]+)\".*", "$1");
        RawHttp.Response recv = RawHttp.post(port, "/app/rt/poll/recv", self(),
                "X-Bridge-Session: " + sid + "\r\nX-Bridge-Key: " + key + "\r\n", "[{\"t\":\"ack\",\"a\":0}]");
        assertThat(recv.status()).as(recv.body()).isEqualTo(200);
        assertThat(recv.body()).isEqualTo("[]");
    }

    @Test
    void theApplicationKeepsItsOwnPaths() throws Exception {
        start(Setup.SERVLET_CONTEXT);
        // The Host check guards the bridge's paths; the application decides for its own.
        RawHttp.Response hello = RawHttp.get(port, "/app/hello", "rebound.example", "");
        assertThat(hello.status()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("hello from a servlet");
        RawHttp.Response sibling = RawHttp.get(port, "/app/rtx", self(), "");
        assertThat(sibling.status()).isEqualTo(404);
        assertThat(sibling.body()).doesNotContain("not_found"); // the application's 404, not the bridge's
    }

    @Test
    void aGracefulStopTellsTheClients() throws Exception {
        start(Setup.SERVLET_CONTEXT);
        ClientLog log = new ClientLog();
        try (BridgeClient client = BridgeClient.builder(bridgeUri()).tokenProvider(() -> "let-me-in").listener(log).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            jetty.stop();
            jetty = null;
            await().atMost(10, TimeUnit.SECONDS).until(() -> !log.closes.isEmpty());
            assertThat(log.closes).extracting(CloseReason::code).containsExactly(4003);
        }
    }

    private RawWebSocket attachedSocket() throws Exception {
        RawWebSocket ws = new RawWebSocket(port, "/app/rt/ws", null);
        assertThat(ws.upgraded()).isTrue();
        ws.sendText(AUTHORIZED_ATTACH);
        assertThat(ws.read().text()).startsWith("{\"t\":\"open\"");
        return ws;
    }
}
