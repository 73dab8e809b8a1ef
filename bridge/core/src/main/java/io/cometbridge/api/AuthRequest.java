package io.cometbridge.api;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an {@link Authenticator} sees of an attach: the HTTP request that carried it (a WebSocket
 * upgrade, a polling {@code attach} POST or a Bayeux handshake), every header and cookie of it,
 * the client's address, the TLS client certificate chain when the client presented one, and the
 * token the client put in its attach frame ({@code auth}; never in a URL). Immutable; header names
 * are case-insensitive. {@link #toString()} shows no values: they are credentials.
 */
public final class AuthRequest {
    private final TransportKind transport;
    private final String remoteAddress;
    private final Map<String, List<String>> headers; // lower-case names
    private final Map<String, String> cookies;
    private final List<X509Certificate> clientCertificates;
    private final String token;
    private final boolean resuming;

    public AuthRequest(TransportKind transport, String remoteAddress, Map<String, List<String>> headers,
                       Map<String, String> cookies, List<X509Certificate> clientCertificates, String token, boolean resuming) {
        this.transport = transport;
        this.remoteAddress = remoteAddress;
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((name, values) -> lower.merge(name.toLowerCase(Locale.ROOT), List.copyOf(values),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        this.headers = java.util.Collections.unmodifiableMap(lower);
        this.cookies = Map.copyOf(cookies);
        this.clientCertificates = clientCertificates == null ? List.of() : List.copyOf(clientCertificates);
        this.token = token;
        this.resuming = resuming;
    }

    /** The same request carrying the attach frame's token, for a new session or a resume. */
    public AuthRequest withAttach(String token, boolean resuming) {
        return new AuthRequest(transport, remoteAddress, headers, cookies, clientCertificates, token, resuming);
    }

    public TransportKind transport() {
        return transport;
    }

    /** The client's IP address (a trusted proxy's forwarded one), or null. */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every header, by lower-case name. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** A cookie's value, or null. */
    public String cookie(String name) {
        return cookies.get(name);
    }

    public Map<String, String> cookies() {
        return cookies;
    }

    /** The TLS client certificate chain, the client's own first; empty without TLS or without one. */
    public List<X509Certificate> clientCertificates() {
        return clientCertificates;
    }

    /** The token of the attach frame's {@code auth} field (or of a Bayeux handshake's ext), or null. */
    public String token() {
        return token;
    }

    /** Whether the attach resumes an existing session (its principal must then be the session's). */
    public boolean resuming() {
        return resuming;
    }

    @Override
    public String toString() {
        return "AuthRequest[" + transport + " from " + remoteAddress + ", headers " + headers.keySet() + ", cookies "
                + cookies.keySet() + (token != null ? ", a token" : "") + (clientCertificates.isEmpty() ? "" : ", a certificate") + "]";
    }
}
