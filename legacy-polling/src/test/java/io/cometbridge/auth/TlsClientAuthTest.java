package io.cometbridge.auth;

import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.server.TlsOptions;
import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.SelfSignedCertificate;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 14 item 1 on the standalone server's own TLS ({@link TlsOptions#withClientAuth}, the
 * command line's {@code --tls-client-auth} and {@code --tls-truststore}): with {@code need} a
 * handshake without a certificate the trust store accepts fails; with {@code want} it succeeds and
 * the authenticator decides (here: refuses, {@code 401 auth_refused} / close 4401); a client that
 * presents its certificate is its principal, over both transports.
 */
class TlsClientAuthTest {
    private final RecordingApp app = new RecordingApp(RecordingApp.Mode.ECHO);
    private SelfSignedCertificate serverCert;
    private SelfSignedCertificate clientCert;
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    /** A TLS-only server asking for client certificates as {@code mode}, trusting {@code truststore}. */
    private void start(Path tmp, TlsOptions.ClientAuth mode, Path truststore, String truststorePassword) throws Exception {
        X509Certificate expected = clientCert.certificate;
        Authenticator byCertificate = Authenticator.of(r -> !r.clientCertificates().isEmpty() && r.clientCertificates().get(0).equals(expected)
                ? AuthResult.accept("cert:" + expected.getSerialNumber()) : AuthResult.refuse("no client certificate"));
        TlsOptions tls = TlsOptions.pkcs12(0, serverCert.keystore, SelfSignedCertificate.PASSWORD).withClientAuth(mode, truststore, truststorePassword);
        server = new TestServer(app, TestServer.config().build(), List.of(new LongPollingModule()),
                b -> b.tls(tls).plainHttp(false), byCertificate);
    }

    private void certificates(Path tmp) throws Exception {
        serverCert = new SelfSignedCertificate(Files.createDirectory(tmp.resolve("server")));
        clientCert = new SelfSignedCertificate(Files.createDirectory(tmp.resolve("client")));
    }

    private URI bridge() {
        return server.server.tlsUri();
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void needAdmitsTheTrustedCertificateAndTheAuthenticatorSeesIt(TransportKind kind, @TempDir Path tmp) throws Exception {
        certificates(tmp);
        start(tmp, TlsOptions.ClientAuth.NEED, clientCert.certificatePem, null); // a PEM trust store
        HttpClient client = HttpClient.newBuilder().sslContext(tls(clientCert)).build();
        try (BridgeClient c = BridgeClient.builder(bridge()).transports(kind).httpClient(client).build()) {
            c.connect().get(15, TimeUnit.SECONDS);
            assertThat(app.session(c.sessionId()).principal().getName()).isEqualTo("cert:" + clientCert.certificate.getSerialNumber());
        }
    }

    @Test
    void needRefusesAHandshakeWithoutACertificate(@TempDir Path tmp) throws Exception {
        certificates(tmp);
        start(tmp, TlsOptions.ClientAuth.NEED, clientCert.certificatePem, null);
        // TLS 1.3 finishes the client's side of the handshake before the server has seen the
        // (missing) certificate: the refusal arrives as an alert on the first read.
        assertThatThrownBy(() -> exchangeWithout(server.server.tlsPort())).isInstanceOf(IOException.class);
        SelfSignedCertificate stranger = new SelfSignedCertificate(Files.createDirectory(tmp.resolve("stranger")));
        HttpClient untrusted = HttpClient.newBuilder().sslContext(tls(stranger)).build();
        assertThatThrownBy(() -> untrusted.send(HttpRequest.newBuilder(URI.create(bridge() + "/poll/attach"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"t\":\"attach\",\"last\":0}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void wantLetsTheHandshakeThroughAndTheAuthenticatorRefuses(@TempDir Path tmp) throws Exception {
        certificates(tmp);
        Path p12 = tmp.resolve("trust.p12");
        KeyStore trust = trustStore(clientCert.certificate);
        try (OutputStream out = Files.newOutputStream(p12)) {
            trust.store(out, "trust-password".toCharArray());
        }
        start(tmp, TlsOptions.ClientAuth.WANT, p12, "trust-password"); // a PKCS#12 trust store
        HttpClient anonymous = HttpClient.newBuilder().sslContext(tls(null)).build();
        HttpResponse<String> poll = anonymous.send(HttpRequest.newBuilder(URI.create(bridge() + "/poll/attach"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"t\":\"attach\",\"last\":0}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(poll.statusCode()).isEqualTo(401);
        assertThat(poll.body()).contains("\"error\":\"auth_refused\"").contains("no client certificate");

        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        WebSocket ws = anonymous.newWebSocketBuilder().buildAsync(URI.create(bridge().toString().replace("https:", "wss:") + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closeCode.complete(statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"t\":\"attach\",\"last\":0}", true);
        assertThat(closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4401);

        try (BridgeClient c = BridgeClient.builder(bridge()).httpClient(HttpClient.newBuilder().sslContext(tls(clientCert)).build()).build()) {
            c.connect().get(15, TimeUnit.SECONDS);
            assertThat(app.session(c.sessionId()).principal().getName()).isEqualTo("cert:" + clientCert.certificate.getSerialNumber());
        }
    }

    /** One request over a TLS socket that presents no certificate. */
    private RawHttp.Response exchangeWithout(int port) throws Exception {
        try (SSLSocket s = (SSLSocket) tls(null).getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            s.getOutputStream().write(("GET /bridge/nothing HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return RawHttp.read(s.getInputStream());
        }
    }

    private static KeyStore trustStore(X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("peer", cert);
        return trust;
    }

    /** Trusts the server's certificate and presents {@code own} (none when null). */
    private SSLContext tls(SelfSignedCertificate own) throws Exception {
        KeyManagerFactory kmf = null;
        if (own != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(own.keystore)) {
                keys.load(in, SelfSignedCertificate.PASSWORD.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, SelfSignedCertificate.PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore(serverCert.certificate));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
