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
 * {@code openssl pkcs8 -topk8 -nocrypt}), or a PKCS#12 keystore with its password.
 *
 * @param port https/wss port (0 = any free port)
 */
public record TlsOptions(int port, Path certificatePem, Path privateKeyPem, Path keystore, String keystorePassword) {

    public static TlsOptions pem(int port, Path certificatePem, Path privateKeyPem) {
        return new TlsOptions(port, certificatePem, privateKeyPem, null, null);
    }

    public static TlsOptions pkcs12(int port, Path keystore, String password) {
        return new TlsOptions(port, null, null, keystore, password);
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
