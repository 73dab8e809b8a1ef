package io.cometbridge.polling;

import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.TransportKind;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an authenticator sees of a servlet request that carries an attach (a polling attach, a
 * Bayeux handshake): every header, the cookies, the client's address and the TLS client
 * certificate chain. The token is the attach frame's (or the handshake's ext), added later.
 */
public final class ServletCredentials {
    private ServletCredentials() {
    }

    public static AuthRequest of(HttpServletRequest request, TransportKind kind) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) headers.put(name, Collections.list(request.getHeaders(name)));
        Map<String, String> cookies = new LinkedHashMap<>();
        Cookie[] all = request.getCookies();
        if (all != null) for (Cookie c : all) cookies.putIfAbsent(c.getName(), c.getValue());
        List<X509Certificate> chain = request.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] certs
                ? List.of(certs) : List.of();
        return new AuthRequest(kind, request.getRemoteAddr(), headers, cookies, chain, null, false);
    }
}
