package io.cometbridge.samples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.ClientLog;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The demo server started in-process on port 0: its pages, its modules and its two demo apps. */
class MainServerTest {
    // HTTP/1.1: the JDK's client offers an h2c upgrade on a new clear-text connection otherwise, and
    // it misreads an upgraded response that spans several HTTP/2 frames now and then (the bundle).
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private RunningServer server;
    private final List<BridgeClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = Main.start("--port", "0", "--ticker-interval", "100ms", "--drain", "200ms");
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(BridgeClient::close);
        server.close();
    }

    @Test
    void startLineNamesTheBoundPortAndTheBridge() {
        int port = server.port();
        assertThat(port).isPositive();
        assertThat(server.startLine()).isEqualTo("Comet Bridge listening on http://127.0.0.1:" + port
                + "/ (demo) \u2014 bridge at http://127.0.0.1:" + port + "/bridge");
    }

    @Test
    void theAcceptQueueIsTheOptionsDefault() {
        var connector = (org.eclipse.jetty.server.ServerConnector) server.server().jetty().getConnectors()[0];
        assertThat(connector.getAcceptQueueSize()).isEqualTo(io.cometbridge.server.BridgeServer.DEFAULT_ACCEPT_QUEUE);
    }

    @Test
    void statsAreOffByDefault() throws Exception {
        HttpResponse<String> stats = get(server.bridgeUri().resolve("/bridge/stats"));
        assertThat(stats.statusCode()).isEqualTo(404);
        assertThat(stats.body()).contains("\"error\":\"not_found\"");
    }

    @Test
    void statsOnWithATokenFromAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path token = dir.resolve("stats-token");
        java.nio.file.Files.writeString(token, "t0ken\n");
        try (RunningServer withStats = Main.start("--port", "0", "--drain", "100ms", "--stats", "--stats-token-file", token.toString())) {
            URI stats = withStats.bridgeUri().resolve("/bridge/stats");
            assertThat(get(stats).statusCode()).isEqualTo(401);
            HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(stats).header("Authorization", "Bearer t0ken").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).startsWith("{\"v\":1");
        }
    }

    @Test
    void demoPagesRefuseAForeignHost() throws Exception {
        io.cometbridge.testing.RawHttp.Response page = io.cometbridge.testing.RawHttp.get(server.port(), "/", "rebind.evil.example:" + server.port(), "");
        assertThat(page.status()).isEqualTo(421);
        assertThat(page.body()).contains("\"error\":\"host_not_allowed\"");
        assertThat(io.cometbridge.testing.RawHttp.get(server.port(), "/", "localhost:" + server.port(), "").status()).isEqualTo(200);
    }

    @Test
    void servesTheDemoPage() throws Exception {
        HttpResponse<String> page = get(server.demoUri());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(page.body()).containsIgnoringCase("<!doctype html").contains("client.js");
    }

    @Test
    void clientFilesAreMountedAtThePrefix() throws Exception {
        List<String> contexts = server.server().jetty().getDescendants(ContextHandler.class).stream()
                .map(ContextHandler::getContextPath).collect(Collectors.toList());
        assertThat(contexts).contains("/", "/bridge", "/bridge/poll");

        // The browser client's bundle, its source map and its declarations (bridge/client-js/dist).
        HttpResponse<String> js = get(server.bridgeUri().resolve("/bridge/client.js"));
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.body()).contains("BridgeSocket").contains("export {").endsWith("//# sourceMappingURL=client.js.map\n");
        HttpResponse<String> map = get(server.bridgeUri().resolve("/bridge/client.js.map"));
        assertThat(map.statusCode()).isEqualTo(200);
        assertThat(map.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(JsonParser.parseString(map.body()).getAsJsonObject().getAsJsonArray("sources").toString()).contains("../src/socket.js");
        HttpResponse<String> dts = get(server.bridgeUri().resolve("/bridge/client.d.ts"));
        assertThat(dts.statusCode()).isEqualTo(200);
        assertThat(dts.headers().firstValue("content-type")).hasValue("application/typescript; charset=utf-8");
        assertThat(dts.body()).contains("export class BridgeSocket extends EventTarget");
        // The same classpath folder holds the Java client's classes: never served.
        HttpResponse<String> cls = get(server.bridgeUri().resolve("/bridge/BridgeClient.class"));
        assertThat(cls.statusCode()).isEqualTo(404);
        assertThat(cls.body()).contains("\"error\":\"not_found\"");
    }

    @Test
    void webSocketAndPollingClientsSeeTheSameChatInTheSameOrder() throws Exception {
        ClientLog aliceLog = new ClientLog(), bobLog = new ClientLog();
        BridgeClient alice = connect(TransportKind.WEBSOCKET, aliceLog);
        BridgeClient bob = connect(TransportKind.POLLING, bobLog);
        assertThat(alice.transport()).isEqualTo(TransportKind.WEBSOCKET);
        assertThat(bob.transport()).isEqualTo(TransportKind.POLLING);

        alice.send("{\"op\":\"join\",\"room\":\"chat\",\"name\":\"alice\"}");
        await().until(() -> texts(aliceLog, "system").contains("alice joined"));
        bob.send("{\"op\":\"join\",\"room\":\"chat\",\"name\":\"bob\"}");
        await().until(() -> texts(aliceLog, "system").contains("bob joined") && texts(bobLog, "system").contains("bob joined"));

        int each = 20;
        for (int i = 0; i < each; i++) { // both talk at once: the room must still agree on one order
            alice.send("{\"op\":\"chat\",\"name\":\"alice\",\"text\":\"a" + i + "\"}");
            bob.send("{\"op\":\"chat\",\"name\":\"bob\",\"text\":\"b" + i + "\"}");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> chats(aliceLog).size() == 2 * each && chats(bobLog).size() == 2 * each);

        List<String> seenByAlice = chats(aliceLog), seenByBob = chats(bobLog);
        assertThat(seenByBob).isEqualTo(seenByAlice);
        assertThat(seenByAlice.stream().filter(s -> s.startsWith("alice:")))
                .containsExactlyElementsOf(numbered("alice:a", each));
        assertThat(seenByAlice.stream().filter(s -> s.startsWith("bob:")))
                .containsExactlyElementsOf(numbered("bob:b", each));
        List<Long> ts = json(aliceLog, "chat").stream().map(o -> o.get("ts").getAsLong()).collect(Collectors.toList());
        assertThat(ts).isSorted().allSatisfy(t -> assertThat(t).isGreaterThan(1_600_000_000_000L));

        bob.close();
        await().until(() -> texts(aliceLog, "system").contains("bob left"));
    }

    @Test
    void tickerSubscriberGetsTicks() throws Exception {
        ClientLog log = new ClientLog();
        BridgeClient client = connect(TransportKind.WEBSOCKET, log);
        client.send("{\"op\":\"join\",\"room\":\"ticker\"}");
        // the current prices at once, then every 100 ms a new price for each of the 4 symbols
        await().atMost(Duration.ofSeconds(5)).until(() -> json(log, "tick").size() >= 12);
        List<JsonObject> ticks = json(log, "tick");
        assertThat(ticks).extracting(t -> t.get("symbol").getAsString()).containsOnly("ACME", "GLOBEX", "INITECH", "UMBRELLA");
        assertThat(ticks).allSatisfy(t -> {
            assertThat(t.get("price").getAsBigDecimal()).isPositive();
            assertThat(t.get("price").getAsBigDecimal().scale()).isEqualTo(2);
            assertThat(t.get("ts").getAsLong()).isGreaterThan(1_600_000_000_000L);
        });

        client.send("{\"op\":\"leave\",\"room\":\"ticker\"}");
        await().until(() -> server.server().bridge().rooms().size("ticker") == 0);
    }

    @Test
    void invalidAppMessagesGetAnErrorToTheSenderOnly() throws Exception {
        ClientLog log = new ClientLog(), bystander = new ClientLog();
        BridgeClient client = connect(TransportKind.WEBSOCKET, log);
        BridgeClient other = connect(TransportKind.POLLING, bystander);
        other.send("{\"op\":\"join\",\"room\":\"chat\",\"name\":\"carol\"}");
        await().until(() -> server.server().bridge().rooms().size("chat") == 1);

        List<String> invalid = List.of(
                "not json",
                "{op:'join'}",
                "[1,2]",
                "{\"op\":\"join\",\"room\":\"chat\"} trailing",
                "{}",
                "{\"op\":\"dance\"}",
                "{\"op\":\"join\",\"room\":\"kitchen\"}",
                "{\"op\":\"join\",\"room\":42}",
                "{\"op\":\"chat\",\"name\":\"dave\",\"text\":\"not in the room yet\"}",
                "{\"op\":\"chat\",\"name\":\"\",\"text\":\"hi\"}",
                "{\"op\":\"chat\",\"name\":\"dave\"}",
                "{\"op\":\"chat\",\"name\":\"dave\",\"text\":\"" + "x".repeat(2001) + "\"}");
        for (String m : invalid) client.send(m);
        client.send(Message.binary(new byte[] {1, 2, 3}));
        int expected = invalid.size() + 1;
        await().until(() -> json(log, "error").size() == expected);
        assertThat(json(log, "error")).allSatisfy(e -> assertThat(e.get("text").getAsString()).isNotBlank());
        assertThat(log.messages).hasSize(expected);
        assertThat(log.closes).isEmpty();

        // The session is fine: it can still join and chat.
        client.send("{\"op\":\"join\",\"room\":\"chat\",\"name\":\"dave\"}");
        client.send("{\"op\":\"chat\",\"name\":\"dave\",\"text\":\"still here\"}");
        await().until(() -> chats(log).contains("dave:still here") && chats(bystander).contains("dave:still here"));
        assertThat(json(bystander, "error")).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private BridgeClient connect(TransportKind kind, ClientLog log) throws Exception {
        BridgeClient c = BridgeClient.builder(server.bridgeUri()).transports(kind).listener(log).build();
        clients.add(c);
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonObject> json(ClientLog log, String type) {
        return log.messages.stream()
                .filter(m -> !m.isBinary())
                .map(m -> JsonParser.parseString(m.text()).getAsJsonObject())
                .filter(o -> o.get("type").getAsString().equals(type))
                .collect(Collectors.toList());
    }

    private static List<String> texts(ClientLog log, String type) {
        return json(log, type).stream().map(o -> o.get("text").getAsString()).collect(Collectors.toList());
    }

    /** Chat messages as "name:text", in arrival order. */
    private static List<String> chats(ClientLog log) {
        return json(log, "chat").stream()
                .map(o -> o.get("name").getAsString() + ":" + o.get("text").getAsString())
                .collect(Collectors.toList());
    }

    private static List<String> numbered(String prefix, int n) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++) list.add(prefix + i);
        return list;
    }

    /** --tls-client-auth need: the standalone server's TLS refuses a client without a trusted certificate and serves one with it. */
    @Test
    void theCommandLineCanRequireAClientCertificate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var serverCert = new io.cometbridge.testing.SelfSignedCertificate(java.nio.file.Files.createDirectory(dir.resolve("server")));
        var clientCert = new io.cometbridge.testing.SelfSignedCertificate(java.nio.file.Files.createDirectory(dir.resolve("client")));
        try (RunningServer tls = Main.start("--port", "0", "--drain", "100ms", "--no-http", "--tls-port", "0",
                "--tls-cert", serverCert.certificatePem.toString(), "--tls-key", serverCert.privateKeyPem.toString(),
                "--tls-client-auth", "need", "--tls-truststore", clientCert.certificatePem.toString())) {
            HttpRequest clientJs = HttpRequest.newBuilder(tls.server().tlsUri().resolve("/bridge/client.js")).build();
            HttpClient withCertificate = HttpClient.newBuilder().sslContext(mutualTls(clientCert, serverCert)).build();
            assertThat(withCertificate.send(clientJs, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            HttpClient without = HttpClient.newBuilder().sslContext(serverCert.clientContext()).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> without.send(clientJs, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    /** Presents {@code own}'s certificate and trusts {@code server}'s. */
    private static javax.net.ssl.SSLContext mutualTls(io.cometbridge.testing.SelfSignedCertificate own,
                                                     io.cometbridge.testing.SelfSignedCertificate server) throws Exception {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(own.keystore)) {
            keys.load(in, io.cometbridge.testing.SelfSignedCertificate.PASSWORD.toCharArray());
        }
        var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, io.cometbridge.testing.SelfSignedCertificate.PASSWORD.toCharArray());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", server.certificate);
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
