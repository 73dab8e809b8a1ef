package io.cometbridge.embed;

import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.server.BridgeMount;
import io.cometbridge.session.Bridge;
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
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14 item 2: the bridge mounted in an application's own Jetty (beside its own handler, and
 * beside an ee10 servlet context), keeping its protections: Host check, Origin policy, the upgrade
 * diagnosis, statistics behind a token, JSON errors; the application's own paths stay the
 * application's; a graceful stop tells the clients (4003).
 */
class EmbeddingTest {
    private final RecordingApp app = new RecordingApp(RecordingApp.Mode.ECHO);
    private Server jetty;
    private int port;

    /** The application's server: its own connector and thread pool; the bridge goes in front of its handler. */
    private void start(Handler application) throws Exception {
        jetty = new Server();
        Bridge bridge = Bridge.builder(app).config(TestServer.config().build())
                .authenticator(Authenticator.of(r -> "let-me-in".equals(r.token()) ? AuthResult.accept("ann") : AuthResult.refuse("no")))
                .build();
        BridgeMount mount = BridgeMount.builder(bridge).module(new LongPollingModule()).stats(true, "stats-secret").build(jetty);
        HttpConfiguration http = new HttpConfiguration();
        mount.configure(http);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setIdleTimeout(mount.idleTimeout().toMillis());
        jetty.addConnector(connector);
        jetty.setHandler(mount.wrap(application));
        jetty.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) jetty.stop();
    }

    private URI bridgeUri() {
        return URI.create("http://127.0.0.1:" + port + "/bridge");
    }

    private static Handler plainApplication() {
        return new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!Request.getPathInContext(request).equals("/hello")) return false;
                response.write(true, StandardCharsets.UTF_8.encode("hello from the application"), callback);
                return true;
            }
        };
    }

    private static Handler servletApplication() {
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("hello from a servlet");
            }
        }), "/hello");
        return context;
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void theBridgeAndTheApplicationShareTheServer(TransportKind kind) throws Exception {
        start(plainApplication());
        ClientLog log = new ClientLog();
        try (BridgeClient client = BridgeClient.builder(bridgeUri()).transports(kind).tokenProvider(() -> "let-me-in").listener(log).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            assertThat(app.session(client.sessionId()).principal().getName()).isEqualTo("ann");
            client.send("ping").get(10, TimeUnit.SECONDS);
            await().until(() -> log.messages.stream().anyMatch(m -> m.text().equals("ping")));
        }
        assertThat(RawHttp.get(port, "/hello", "127.0.0.1:" + port, "").body()).isEqualTo("hello from the application");
    }

    @Test
    void everyProtectionHolds() throws Exception {
        start(plainApplication());
        String self = "127.0.0.1:" + port;
        // Host check (DNS rebinding) on the bridge's paths; the application decides for its own.
        RawHttp.Response badHost = RawHttp.get(port, "/bridge/stats", "rebound.example", "");
        assertThat(badHost.status()).isEqualTo(421);
        assertThat(badHost.body()).contains("host_not_allowed");
        assertThat(RawHttp.get(port, "/hello", "rebound.example", "").status()).isEqualTo(200);
        // Statistics behind their token.
        assertThat(RawHttp.get(port, "/bridge/stats", self, "").status()).isEqualTo(401);
        assertThat(RawHttp.get(port, "/bridge/stats", self, "Authorization: Bearer stats-secret\r\n").status()).isEqualTo(200);
        // The upgrade diagnosis and JSON 404s under the prefix.
        RawHttp.Response notUpgraded = RawHttp.get(port, "/bridge/ws", self, "");
        assertThat(notUpgraded.status()).isEqualTo(426);
        assertThat(notUpgraded.body()).contains("upgrade_required");
        assertThat(RawHttp.get(port, "/bridge/nothing", self, "").body()).contains("not_found");
        // Origin policy on the WebSocket handshake and on polling.
        try (RawWebSocket ws = new RawWebSocket(port, "/bridge/ws", "http://evil.example")) {
            assertThat(ws.upgraded()).isFalse();
            assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 403");
        }
        RawHttp.Response crossOrigin = RawHttp.post(port, "/bridge/poll/attach", self, "Origin: http://evil.example\r\n",
                "{\"t\":\"attach\",\"last\":0,\"auth\":\"let-me-in\"}");
        assertThat(crossOrigin.status()).isEqualTo(403);
        // The authenticator.
        RawHttp.Response refused = RawHttp.post(port, "/bridge/poll/attach", self, "", "{\"t\":\"attach\",\"last\":0}");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("auth_refused");
    }

    @Test
    void besideAServletContext() throws Exception {
        start(servletApplication());
        ClientLog log = new ClientLog();
        try (BridgeClient client = BridgeClient.builder(bridgeUri()).tokenProvider(() -> "let-me-in").listener(log).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            client.switchTo(TransportKind.POLLING).get(10, TimeUnit.SECONDS);
            client.send("over polling").get(10, TimeUnit.SECONDS);
            await().until(() -> log.messages.stream().anyMatch(m -> m.text().equals("over polling")));
        }
        assertThat(RawHttp.get(port, "/hello", "127.0.0.1:" + port, "").body()).isEqualTo("hello from a servlet");
    }

    @Test
    void aGracefulStopTellsTheClients() throws Exception {
        start(plainApplication());
        ClientLog log = new ClientLog();
        BridgeClient client = BridgeClient.builder(bridgeUri()).tokenProvider(() -> "let-me-in").listener(log).build();
        try (client) {
            client.connect().get(10, TimeUnit.SECONDS);
            jetty.stop();
            jetty = null;
            await().atMost(10, TimeUnit.SECONDS).until(() -> !log.closes.isEmpty());
            assertThat(log.closes).extracting(CloseReason::code).containsExactly(4003);
        }
        assertThat(List.of(client.state())).containsExactly(BridgeClient.State.CLOSED);
    }
}
