package io.cometbridge.gateway;

import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/** TLS towards a {@code wss://} upstream: the JVM's trust, a given trust store, or (testing only) none. */
final class UpstreamTls {
    private UpstreamTls() {
    }

    static SslContextFactory.Client factory(GatewayConfig c) throws IOException, GeneralSecurityException {
        if (c.insecure()) {
            SslContextFactory.Client trustAll = new SslContextFactory.Client(true);
            trustAll.setEndpointIdentificationAlgorithm(null); // any host name too
            return trustAll;
        }
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        if (c.trustStore() != null) tls.setTrustStore(load(c.trustStore(), c.trustStorePassword()));
        return tls;
    }

    /** PEM CA certificates (one or more {@code BEGIN CERTIFICATE} blocks), or a PKCS#12/JKS store. */
    static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        if (new String(bytes, 0, Math.min(bytes.length, 4096), java.nio.charset.StandardCharsets.US_ASCII).contains("-----BEGIN")) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            try (InputStream in = Files.newInputStream(file)) {
                for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, cert);
                }
            }
            if (i == 0) throw new GeneralSecurityException("no certificate in " + file);
            return store;
        }
        return KeyStore.getInstance(file.toFile(), password == null ? new char[0] : password.toCharArray());
    }
}
