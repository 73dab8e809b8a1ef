package io.cometbridge.auth;

import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.server.BridgeMount;
import io.cometbridge.session.Bridge;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.SelfSignedCertificate;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 item 1: the authenticator sees the TLS client certificate, over both transports, on a
 * real Jetty that asks for one (mutual TLS) with the real Java client presenting it.
 */
class ClientCertificateTest {
    private final RecordingApp app = new RecordingApp(RecordingApp.Mode.ECHO);
    private Server jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) jetty.stop();
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void theClientCertificateIsThePrincipal(TransportKind kind, @TempDir Path tmp) throws Exception {
        SelfSignedCertificate serverCert = new SelfSignedCertificate(Files.createDirectory(tmp.resolve("server")));
        SelfSignedCertificate clientCert = new SelfSignedCertificate(Files.createDirectory(tmp.resolve("client")));
        X509Certificate expected = clientCert.certificate;
        Authenticator byCertificate = Authenticator.of(r -> !r.clientCertificates().isEmpty() && r.clientCertificates().get(0).equals(expected)
                ? AuthResult.accept("cert:" + expected.getSerialNumber()) : AuthResult.refuse("no client certificate"));
        Bridge bridge = Bridge.builder(app).config(TestServer.config().build()).authenticator(byCertificate).build();

        jetty = new Server();
        BridgeMount mount = BridgeMount.builder(bridge).module(new LongPollingModule()).build(jetty);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(serverCert.keystore.toString());
        tls.setKeyStorePassword(SelfSignedCertificate.PASSWORD);
        tls.setTrustStore(trustStore(clientCert.certificate));
        tls.setNeedClientAuth(true);
        HttpConfiguration http = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        mount.configure(http);
        ServerConnector connector = new ServerConnector(jetty, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(mount);
        jetty.start();

        HttpClient client = HttpClient.newBuilder().sslContext(mutualTls(clientCert, serverCert.certificate)).build();
        URI uri = URI.create("https://127.0.0.1:" + connector.getLocalPort() + "/bridge");
        try (BridgeClient c = BridgeClient.builder(uri).transports(kind).httpClient(client).build()) {
            c.connect().get(15, TimeUnit.SECONDS);
            assertThat(app.session(c.sessionId()).principal().getName()).isEqualTo("cert:" + expected.getSerialNumber());
        }
    }

    private static KeyStore trustStore(X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("peer", cert);
        return trust;
    }

    /** Presents {@code own} and trusts exactly {@code server}. */
    private static SSLContext mutualTls(SelfSignedCertificate own, X509Certificate server) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(own.keystore)) {
            keys.load(in, SelfSignedCertificate.PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, SelfSignedCertificate.PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore(server));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
