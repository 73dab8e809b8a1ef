package io.cometbridge.polling;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.TlsOptions;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.SelfSignedCertificate;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** TLS, the origin policy, and every configurable limit: each hit, documented, and harmless to others. */
class SecurityAndLimitsTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    private void start(BridgeConfig config) throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), config, List.of(new LongPollingModule()));
    }

    private HttpResponse<String> post(String endpoint, String origin, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/poll/" + endpoint))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) b.header("Origin", origin);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String NEW_SESSION = "{\"t\":\"attach\",\"last\":0}";

    /** A healthy client on each transport round-trips a message. */
    private void othersCarryOn(BridgeClient... clients) throws Exception {
        for (BridgeClient c : clients) {
            c.send("ping").get();
            assertThat(c.state()).isEqualTo(BridgeClient.State.OPEN);
        }
    }

    private BridgeClient connected(TransportKind kind, ClientLog log) throws Exception {
        BridgeClient c = BridgeClient.builder(server.uri()).transports(kind).listener(log).build();
        c.connect().get();
        return c;
    }

    // ---------------------------------------------------------------- TLS

    @Test
    void httpsAndWssFromPemAndFromPkcs12(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate(dir);
        for (TlsOptions tls : List.of(TlsOptions.pem(0, cert.certificatePem, cert.privateKeyPem),
                TlsOptions.pkcs12(0, cert.keystore, SelfSignedCertificate.PASSWORD))) {
            server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(),
                    List.of(new LongPollingModule()), b -> b.tls(tls).plainHttp(false));
            assertThat(server.uri().getScheme()).isEqualTo("https");
            HttpClient tlsHttp = HttpClient.newBuilder().sslContext(cert.clientContext()).build();
            for (TransportKind kind : List.of(TransportKind.WEBSOCKET, TransportKind.POLLING)) {
                ClientLog log = new ClientLog();
                try (BridgeClient c = BridgeClient.builder(server.uri()).httpClient(tlsHttp).transports(kind).listener(log).build()) {
                    c.connect().get();
                    c.send("over tls").get();
                    await().until(() -> log.messages.size() == 1);
                    assertThat(log.texts()).containsExactly("over tls");
                    assertThat(c.transport()).isEqualTo(kind);
                }
            }
            // A client that does not trust the certificate cannot connect.
            ClientLog refused = new ClientLog();
            BridgeClient untrusting = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING).listener(refused).build();
            untrusting.connect();
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);
            assertThat(untrusting.state()).isNotEqualTo(BridgeClient.State.OPEN);
            untrusting.close();
            server.close();
            server = null;
        }
    }

    // ---------------------------------------------------------------- origins

    @Test
    void webSocketOriginAllowlist() throws Exception {
        start(TestServer.config().allowedOrigins(List.of("https://app.example.com")).build());
        String self = "http://127.0.0.1:" + server.port();
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", "https://evil.example")) {
            assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 403");
            assertThat(ws.handshakeResponse).contains("application/json");
        }
        for (String ok : List.of("https://app.example.com", self)) {
            try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", ok)) {
                assertThat(ws.upgraded()).as(ok).isTrue();
            }
        }
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            assertThat(ws.upgraded()).as("no Origin: not a browser").isTrue();
        }
    }

    @Test
    void pollingCorsPreflightAndRequests() throws Exception {
        start(TestServer.config().allowedOrigins(List.of("https://app.example.com")).build());
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/poll/send"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, x-bridge-session").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")).containsIgnoringCase("X-Bridge-Session")
                .containsIgnoringCase("X-Bridge-Key");

        HttpResponse<String> evilPreflight = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/poll/send"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(evilPreflight.statusCode()).isEqualTo(403);
        assertThat(evilPreflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> allowed = post("attach", "https://app.example.com", NEW_SESSION);
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        HttpResponse<String> refused = post("attach", "https://evil.example", NEW_SESSION);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("\"error\":\"origin_not_allowed\"");
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    // ---------------------------------------------------------------- limits

    @Test
    void newSessionsPerSecondPerAddress() throws Exception {
        start(TestServer.config().newSessionsPerSecond(0.5).newSessionBurst(3).build());
        ClientLog log = new ClientLog();
        try (BridgeClient existing = connected(TransportKind.WEBSOCKET, log)) {
            assertThat(post("attach", null, NEW_SESSION).statusCode()).isEqualTo(200);
            assertThat(post("attach", null, NEW_SESSION).statusCode()).isEqualTo(200);
            HttpResponse<String> limited = post("attach", null, NEW_SESSION);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.body()).contains("\"error\":\"rate_limited\"");
            try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
                ws.sendText(NEW_SESSION);
                assertThat(ws.read().text()).contains("rate_limited");
                assertThat(ws.readUntilClose().closeCode()).isEqualTo(4429);
            }
            othersCarryOn(existing);
        }
    }

    @Test
    void sessionsPerServer() throws Exception {
        start(TestServer.config().maxSessions(2).build());
        ClientLog log = new ClientLog();
        try (BridgeClient a = connected(TransportKind.WEBSOCKET, log); BridgeClient b = connected(TransportKind.POLLING, log)) {
            HttpResponse<String> full = post("attach", null, NEW_SESSION);
            assertThat(full.statusCode()).isEqualTo(503);
            assertThat(full.body()).contains("\"error\":\"server_full\"");
            try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
                ws.sendText(NEW_SESSION);
                assertThat(ws.read().text()).contains("server_full");
                assertThat(ws.readUntilClose().closeCode()).isEqualTo(4503);
            }
            othersCarryOn(a, b);
        }
    }

    @Test
    void outboundQueueFullClosesOnlyTheSlowSession() throws Exception {
        start(TestServer.config().maxQueuedMessages(50).build());
        ClientLog log = new ClientLog();
        try (BridgeClient healthy = connected(TransportKind.WEBSOCKET, log);
             RawWebSocket slow = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            slow.sendText(NEW_SESSION); // then never acknowledges anything
            String sid = slow.read().text().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
            BridgeSession session = server.app.session(sid);
            for (int i = 0; i < 60; i++) session.send("m" + i);
            await().until(() -> server.app.closed.containsKey(sid));
            assertThat(server.app.closed.get(sid)).isEqualTo(CloseReason.QUEUE_FULL);
            RawWebSocket.Frame last;
            do {
                last = slow.read();
            } while (last.opcode() == RawWebSocket.TEXT && !last.text().startsWith("{\"t\":\"close\""));
            assertThat(last.text()).contains("\"code\":4002");
            othersCarryOn(healthy);
        }
        // The byte bound works the same way.
        server.close();
        start(TestServer.config().maxQueuedBytes(1000).build());
        try (RawWebSocket slow = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            slow.sendText(NEW_SESSION);
            String sid = slow.read().text().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
            for (int i = 0; i < 5; i++) server.app.session(sid).send(Message.text("x".repeat(300)));
            await().until(() -> CloseReason.QUEUE_FULL.equals(server.app.closed.get(sid)));
        }
    }

    @Test
    void framesPerBatch() throws Exception {
        start(TestServer.config().maxBatchFrames(5).build());
        HttpResponse<String> attach = post("attach", null, NEW_SESSION);
        String sid = attach.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
        StringBuilder six = new StringBuilder("[");
        for (int i = 1; i <= 6; i++) six.append(i > 1 ? "," : "").append("[").append(i).append(",\"m\"]");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/poll/send"))
                .header("Content-Type", "application/json").header("X-Bridge-Session", sid)
                .POST(HttpRequest.BodyPublishers.ofString(six.append("]").toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("\"error\":\"too_large\"");
    }
}
