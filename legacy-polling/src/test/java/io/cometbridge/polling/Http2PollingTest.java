package io.cometbridge.polling;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.server.TlsOptions;
import io.cometbridge.session.SessionStats.Counter;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.SelfSignedCertificate;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long-polling over HTTP/2 (PROTOCOL.md 4.1): h2c by prior knowledge (or Upgrade) on the plain port, h2 chosen
 * by ALPN on the TLS port, each carrying a whole polling session (attach, exchange, held receive,
 * send) with the server recording which HTTP version every polling request arrived on; WebSocket
 * still works on the same server; held receives hold no thread; the Origin, Host, size and
 * session-rate checks answer the same over HTTP/2; and {@code http2(false)} leaves HTTP/1.1 only.
 */
class Http2PollingTest {
    private static final String JSON = "application/json";
    private final RecordingApp app = new RecordingApp(RecordingApp.Mode.ECHO);
    private Queue<String> versions = new ConcurrentLinkedQueue<>(); // "HTTP/2.0 /bridge/poll/recv", as the server saw them (TestServer.recordHttpVersions)
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private TestServer server;
    private SelfSignedCertificate cert;

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
        if (server != null) server.close();
    }

    private void start(Path tmp, boolean http2, int maxThreads) throws Exception {
        start(tmp, http2, maxThreads, TestServer.config().build());
    }

    private void start(Path tmp, boolean http2, int maxThreads, io.cometbridge.session.BridgeConfig config) throws Exception {
        cert = new SelfSignedCertificate(tmp);
        server = new TestServer(app, config, List.of(new LongPollingModule(), new io.cometbridge.server.HealthModule()),
                b -> b.tls(TlsOptions.pkcs12(0, cert.keystore, SelfSignedCertificate.PASSWORD)).http2(http2).maxThreads(maxThreads));
        versions = server.recordHttpVersions();
    }

    /** Jetty's HTTP/2 client: h2c by prior knowledge for http URIs, ALPN h2 for https ones. */
    private HttpClient http2Client() throws Exception {
        return http2Client(c -> { });
    }

    private HttpClient http2Client(java.util.function.Consumer<HttpClient> before) throws Exception {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(cert.clientContext()); // trusts the test's certificate only
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
        before.accept(client);
        client.start();
        toClose.add(client::stop);
        return client;
    }

    private record Polling(HttpClient client, URI base, String sid, String key) {
        Request post(String endpoint, String body) {
            Request r = client.POST(base + "/poll/" + endpoint).body(new StringRequestContent(JSON, body)).timeout(30, TimeUnit.SECONDS);
            return sid == null ? r : r.headers(h -> h.put("X-Bridge-Session", sid).put("X-Bridge-Key", key));
        }

        CompletableFuture<ContentResponse> send(String endpoint, String body) {
            return new CompletableResponseListener(post(endpoint, body)).send();
        }

        static Polling attach(HttpClient client, URI base) throws Exception {
            ContentResponse r = new Polling(client, base, null, null).post("attach", "{\"t\":\"attach\",\"last\":0}").send();
            assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
            assertThat(r.getVersion()).isEqualTo(HttpVersion.HTTP_2);
            JsonObject open = JsonParser.parseString(r.getContentAsString()).getAsJsonArray().get(0).getAsJsonObject();
            return new Polling(client, base, open.get("sid").getAsString(), open.get("key").getAsString());
        }
    }

    private io.cometbridge.session.SessionStats statsOf(String sid) {
        for (io.cometbridge.session.Session session : server.bridge.sessions()) if (session.id().equals(sid)) return session.stats();
        throw new AssertionError("no session " + sid);
    }

    private static JsonArray batch(ContentResponse r) {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        assertThat(r.getVersion()).isEqualTo(HttpVersion.HTTP_2);
        return JsonParser.parseString(r.getContentAsString()).getAsJsonArray();
    }

    @Test
    void aWholePollingSessionOverH2cByPriorKnowledge(@TempDir Path tmp) throws Exception {
        start(tmp, true, 200);
        wholeSession(http2Client(), server.uri());
    }

    @Test
    void aWholePollingSessionOverH2ChosenByAlpn(@TempDir Path tmp) throws Exception {
        start(tmp, true, 200);
        wholeSession(http2Client(), server.server.tlsUri());
    }

    private void wholeSession(HttpClient client, URI base) throws Exception {
        Polling s = Polling.attach(client, base);
        // an exchange: the message goes in a recv, whose answer brings the echo
        JsonArray echo = batch(s.send("recv", "[[1,\"hello\"],{\"t\":\"ack\",\"a\":0}]").get(15, TimeUnit.SECONDS));
        assertThat(echo.get(0).toString()).isEqualTo("[1,\"hello\"]");
        // a held recv, then a send on the same connection (another stream) that releases it with the echo
        CompletableFuture<ContentResponse> held = s.send("recv", "[{\"t\":\"ack\",\"a\":1}]");
        Thread.sleep(200); // let the recv be parked first (order, not timing, is checked)
        assertThat(held).isNotDone();
        batch(s.send("send", "[[2,\"again\"]]").get(15, TimeUnit.SECONDS));
        assertThat(batch(held.get(15, TimeUnit.SECONDS)).get(0).toString()).isEqualTo("[2,\"again\"]");
        assertThat(app.receivedBy(s.sid())).hasSize(2);

        assertThat(versions).filteredOn(v -> v.contains("/poll/")).hasSize(4).allMatch(v -> v.startsWith("HTTP/2.0 "));
        // over HTTP/2 a session's requests are still counted; the connection's bytes are nobody's (WireMeter)
        assertThat(statsOf(s.sid()).get(TransportKind.POLLING, Counter.HTTP_REQUESTS)).isEqualTo(4);
        assertThat(statsOf(s.sid()).get(TransportKind.POLLING, Counter.WIRE_BYTES_IN)).isZero();
        assertThat(server.bridge.totals().unattributedBytesIn()).isPositive();

        // WebSocket still works on the same server, on a connection of its own (HTTP/1.1)
        try (BridgeClient ws = BridgeClient.builder(base).transports(TransportKind.WEBSOCKET)
                .httpClient(java.net.http.HttpClient.newBuilder().sslContext(cert.clientContext()).build()).build()) {
            ws.connect().get(15, TimeUnit.SECONDS);
            assertThat(ws.transport()).isEqualTo(TransportKind.WEBSOCKET);
        }
        assertThat(versions).filteredOn(v -> v.endsWith("/bridge/ws")).isNotEmpty().allMatch(v -> v.startsWith("HTTP/1.1 "));
    }

    @Test
    void anHttp11ConnectionMayAskToBecomeH2c(@TempDir Path tmp) throws Exception {
        start(tmp, true, 200);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /bridge/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertThat(status).isEqualTo("HTTP/1.1 101 Switching Protocols");
            // finish as an HTTP/2 client would: the preface, empty SETTINGS, then GOAWAY (no error)
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[]{0, 0, 0, 4, 0, 0, 0, 0, 0});
            socket.getOutputStream().write(new byte[]{0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0});
            socket.getOutputStream().flush();
            socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream()); // until the server closes
        }
    }

    @Test
    void theJavaClientPollsOverH2WhenTheServerOffersIt(@TempDir Path tmp) throws Exception {
        start(tmp, true, 200);
        // the JDK's HttpClient asks for h2 by ALPN over TLS (its default version is HTTP/2)
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder().sslContext(cert.clientContext()).build();
        java.util.concurrent.BlockingQueue<String> echoes = new java.util.concurrent.LinkedBlockingQueue<>();
        try (BridgeClient c = BridgeClient.builder(server.server.tlsUri()).transports(TransportKind.POLLING).httpClient(jdk)
                .listener((client, message) -> echoes.add(message.text())).build()) {
            c.connect().get(15, TimeUnit.SECONDS);
            c.send("over h2").get(15, TimeUnit.SECONDS);
            assertThat(echoes.poll(15, TimeUnit.SECONDS)).isEqualTo("over h2");
        }
        assertThat(versions).filteredOn(v -> v.contains("/poll/")).isNotEmpty().allMatch(v -> v.startsWith("HTTP/2.0 "));
    }

    @Test
    void heldReceivesOverOneH2ConnectionHoldNoThread(@TempDir Path tmp) throws Exception {
        start(tmp, true, 12); // far fewer threads than held receives
        HttpClient client = http2Client();
        List<CompletableFuture<ContentResponse>> held = new ArrayList<>();
        for (int i = 0; i < 40; i++) held.add(Polling.attach(client, server.uri()).send("recv", "[{\"t\":\"ack\",\"a\":0}]"));
        Polling last = Polling.attach(client, server.uri());
        JsonArray echo = batch(last.send("recv", "[[1,\"through\"],{\"t\":\"ack\",\"a\":0}]").get(15, TimeUnit.SECONDS));
        assertThat(echo.get(0).toString()).isEqualTo("[1,\"through\"]");
        assertThat(held).noneMatch(CompletableFuture::isDone);
    }

    @Test
    void theOriginAndSizeChecksAnswerTheSameOverH2(@TempDir Path tmp) throws Exception {
        start(tmp, true, 200);
        HttpClient client = http2Client();
        ContentResponse foreign = client.POST(server.uri() + "/poll/attach").headers(h -> h.put("Origin", "https://evil.example"))
                .body(new StringRequestContent(JSON, "{\"t\":\"attach\",\"last\":0}")).send();
        assertThat(foreign.getVersion()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(foreign.getStatus()).isEqualTo(403);
        assertThat(foreign.getContentAsString()).contains("\"origin_not_allowed\"");

        Polling s = Polling.attach(client, server.uri());
        String huge = "[[1,\"" + "x".repeat(server.bridge.config().maxRequestBytes()) + "\"],{\"t\":\"ack\",\"a\":0}]";
        ContentResponse tooLarge = s.post("recv", huge).send();
        assertThat(tooLarge.getStatus()).isEqualTo(413);
        assertThat(tooLarge.getContentAsString()).contains("\"too_large\"");
    }

    @Test
    void theHostCheckAndTheSessionRateAnswerTheSameOverH2(@TempDir Path tmp) throws Exception {
        start(tmp, true, 200, TestServer.config().newSessionsPerSecond(0.01).newSessionBurst(1).build());
        // a name the server does not serve (DNS rebinding), resolved to loopback: :authority carries it
        HttpClient client = http2Client(c -> c.setSocketAddressResolver((host, port, context, promise) ->
                promise.succeeded(List.of(new java.net.InetSocketAddress("127.0.0.1", port)))));
        ContentResponse rebound = client.POST("http://rebind.example:" + server.port() + "/bridge/poll/attach")
                .body(new StringRequestContent(JSON, "{\"t\":\"attach\",\"last\":0}")).send();
        assertThat(rebound.getVersion()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(rebound.getStatus()).isEqualTo(421);
        assertThat(rebound.getContentAsString()).contains("\"host_not_allowed\"");

        Polling.attach(client, server.uri()); // the burst
        ContentResponse limited = new Polling(client, server.uri(), null, null).post("attach", "{\"t\":\"attach\",\"last\":0}").send();
        assertThat(limited.getVersion()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(limited.getStatus()).isEqualTo(429);
        assertThat(limited.getContentAsString()).contains("\"rate_limited\"");
    }

    @Test
    void aClientOfferingOnlyHttp11ByAlpnIsServedHttp11(@TempDir Path tmp) throws Exception {
        start(tmp, true, 200);
        // the JDK's client at HTTP/1.1 offers ALPN "http/1.1" only, as a browser's WebSocket does
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder().sslContext(cert.clientContext())
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        var r = jdk.send(java.net.http.HttpRequest.newBuilder(URI.create(server.server.tlsUri() + "/healthz")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
    }

    @Test
    void switchedOffTheServerSpeaksHttp11Only(@TempDir Path tmp) throws Exception {
        start(tmp, false, 200);
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder().sslContext(cert.clientContext()).build();
        var r = jdk.send(java.net.http.HttpRequest.newBuilder(URI.create(server.server.tlsUri() + "/healthz")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
        HttpClient client = http2Client();
        assertThat(new CompletableResponseListener(client.newRequest(server.uri() + "/healthz").timeout(10, TimeUnit.SECONDS)).send())
                .failsWithin(15, TimeUnit.SECONDS);
    }
}
