package io.cometbridge.server;

import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.TransportKind;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an authenticator sees of a request that carries an attach (a WebSocket upgrade, a polling
 * attach, a Bayeux handshake): every header, the cookies, the client's address (a trusted proxy's
 * forwarded one) and the TLS client certificate chain. The token comes later, with the attach
 * frame (or the handshake's ext).
 */
public final class RequestCredentials {
    private RequestCredentials() {
    }

    public static AuthRequest of(Request request, TransportKind kind) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) headers.computeIfAbsent(f.getName(), n -> new ArrayList<>()).add(f.getValue());
        Map<String, String> cookies = new LinkedHashMap<>();
        for (HttpCookie c : Request.getCookies(request)) cookies.putIfAbsent(c.getName(), c.getValue());
        List<X509Certificate> chain = List.of();
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData tls
                && tls.peerCertificates() != null) {
            chain = List.of(tls.peerCertificates());
        }
        return new AuthRequest(kind, Request.getRemoteAddr(request), headers, cookies, chain, null, false);
    }
}
