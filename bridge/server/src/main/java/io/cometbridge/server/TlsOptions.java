package io.cometbridge.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the server's TLS identity comes from: a PEM certificate chain with a PKCS#8 private key
 * ({@code -----BEGIN PRIVATE KEY-----}; convert a PKCS#1 "RSA PRIVATE KEY" with
 * {@code openssl pkcs8 -topk8 -nocrypt}), or a PKCS#12 keystore with its password. And whether
 * the server asks clients for a certificate ({@link ClientAuth}), checked against a trust store
 * (PEM CA certificates or PKCS#12); the authenticator sees the certificate a client presented.
 *
 * @param port https/wss port (0 = any free port)
 */
public record TlsOptions(int port, Path certificatePem, Path privateKeyPem, Path keystore, String keystorePassword,
                         ClientAuth clientAuth, Path truststore, String truststorePassword) {

    /** Whether the TLS handshake asks the client for a certificate. */
    public enum ClientAuth {
        /** Never asks. */
        NONE,
        /** Asks; a client without one still connects, and the authenticator sees no certificate. */
        WANT,
        /** Requires one the trust store accepts; without it the handshake fails. */
        NEED
    }

    public TlsOptions {
        if (clientAuth == null) clientAuth = ClientAuth.NONE;
        if (clientAuth != ClientAuth.NONE && truststore == null) {
            // Without one the JVM's public CAs would vouch for clients: never what a server asking for certificates means.
            throw new IllegalArgumentException("client certificates (" + clientAuth.name().toLowerCase(java.util.Locale.ROOT)
                    + ") need a trust store of the CAs that issue them");
        }
    }

    public TlsOptions(int port, Path certificatePem, Path privateKeyPem, Path keystore, String keystorePassword) {
        this(port, certificatePem, privateKeyPem, keystore, keystorePassword, ClientAuth.NONE, null, null);
    }

    public static TlsOptions pem(int port, Path certificatePem, Path privateKeyPem) {
        return new TlsOptions(port, certificatePem, privateKeyPem, null, null);
    }

    public static TlsOptions pkcs12(int port, Path keystore, String password) {
        return new TlsOptions(port, null, null, keystore, password);
    }

    /** These options, asking clients for a certificate ({@code mode}) that {@code truststore} (PEM or PKCS#12) vouches for. */
    public TlsOptions withClientAuth(ClientAuth mode, Path truststore, String truststorePassword) {
        return new TlsOptions(port, certificatePem, privateKeyPem, keystore, keystorePassword, mode, truststore, truststorePassword);
    }

    /** The trust store for client certificates, read now: PEM certificates, or else PKCS#12 with its password. Null without one. */
    public KeyStore loadTrustStore() throws IOException, GeneralSecurityException {
        if (truststore == null) return null;
        byte[] bytes = Files.readAllBytes(truststore);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        if (new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.US_ASCII).contains("-----BEGIN")) {
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(bytes))) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) throw new IllegalArgumentException("no certificate in " + truststore);
        } else {
            ks.load(new java.io.ByteArrayInputStream(bytes), truststorePassword == null ? new char[0] : truststorePassword.toCharArray());
        }
        return ks;
    }

    /** Passwords masked: these options may be logged. */
    @Override
    public String toString() {
        return "TlsOptions[port=" + port + ", certificatePem=" + certificatePem + ", privateKeyPem=" + privateKeyPem + ", keystore=" + keystore
                + ", keystorePassword=" + (keystorePassword == null ? null : "****") + ", clientAuth=" + clientAuth + ", truststore=" + truststore
                + ", truststorePassword=" + (truststorePassword == null ? null : "****") + "]";
    }

    /** The identity as an in-memory keystore (password {@link #keyPassword()}), read and checked now. */
    public KeyStore loadKeyStore() throws IOException, GeneralSecurityException {
        if (keystore != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, keyPassword().toCharArray());
            }
            return ks;
        }
        if (certificatePem == null || privateKeyPem == null) {
            throw new IllegalArgumentException("TLS needs a certificate and key (PEM) or a PKCS#12 keystore");
        }
        List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509")
                .generateCertificates(Files.newInputStream(certificatePem)));
        if (chain.isEmpty()) throw new IllegalArgumentException("no certificate in " + certificatePem);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("bridge", readPrivateKey(privateKeyPem), keyPassword().toCharArray(), chain.toArray(Certificate[]::new));
        return ks;
    }

    public String keyPassword() {
        return keystorePassword == null ? "" : keystorePassword;
    }

    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private static PrivateKey readPrivateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException(pem + " holds no PKCS#8 \"BEGIN PRIVATE KEY\" block"
                    + (text.contains("RSA PRIVATE KEY") ? " (convert it: openssl pkcs8 -topk8 -nocrypt -in key.pem)" : ""));
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
