package io.cometbridge.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.HostPort;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Believes a reverse proxy's {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For/-Host/-Proto}
 * headers only when the TCP peer is a trusted proxy (docs/PROTOCOL.md section 7.2). Jetty's
 * {@code ForwardedRequestCustomizer} believes them from anyone and takes the left-most address,
 * which the client itself wrote; this one takes, from the right, the first address that is not a
 * trusted proxy, and the host and scheme the nearest proxy wrote.
 *
 * <p>The request then addresses the forwarded host and scheme (the Host allowlist and the
 * same-origin check see the public name) and comes from the forwarded client address (the
 * per-address session rate counts the client, not the proxy). From an untrusted peer the headers
 * change nothing; the request is marked so that a refusal can say why.
 */
final class TrustedProxyCustomizer implements HttpConfiguration.Customizer {
    private static final Pattern AUTHORITY = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(?::(\\d{1,5}))?");

    private final AddressSet trusted;

    TrustedProxyCustomizer(AddressSet trusted) {
        this.trusted = trusted;
    }

    /** What the proxies said: client addresses in order (nearest last), the host and scheme the nearest one gave. */
    private static final class Forwarding {
        final List<String> forNodes = new ArrayList<>();
        String host;
        String proto;
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        HttpFields headers = request.getHeaders();
        boolean forwarded = headers.contains(HttpHeader.FORWARDED) || headers.contains(HttpHeader.X_FORWARDED_FOR)
                || headers.contains(HttpHeader.X_FORWARDED_HOST) || headers.contains(HttpHeader.X_FORWARDED_PROTO);
        if (!forwarded) return request;
        InetAddress peer = request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (!trusted.contains(peer)) {
            if (peer != null) request.setAttribute(OriginPolicy.UNTRUSTED_FORWARDER, peer.getHostAddress());
            return request;
        }
        Forwarding f = headers.contains(HttpHeader.FORWARDED) ? rfc7239(headers) : xForwarded(headers);
        InetSocketAddress client = client(f.forNodes, request.getConnectionMetaData().getRemoteSocketAddress());
        String scheme = f.proto != null && f.proto.matches("(?i)https?") ? f.proto.toLowerCase(Locale.ROOT) : null;
        var authority = f.host == null ? null : AUTHORITY.matcher(f.host);
        boolean hostGiven = authority != null && authority.matches()
                && (authority.group(2) == null || Integer.parseInt(authority.group(2)) <= 65535);
        if (client == null && scheme == null && !hostGiven) return request;

        HttpURI.Mutable uri = HttpURI.build(request.getHttpURI());
        if (scheme != null) uri.scheme(scheme);
        HostPort serverAuthority = null;
        if (hostGiven) {
            int port = authority.group(2) == null ? 0 : Integer.parseInt(authority.group(2));
            uri.authority(authority.group(1), port);
            serverAuthority = new HostPort(authority.group(1), port);
        }
        return wrap(request, uri.asImmutable(), client, serverAuthority, "https".equals(scheme));
    }

    private static Request wrap(Request request, HttpURI uri, InetSocketAddress client, HostPort authority, boolean secure) {
        HttpFields headers = authority == null ? request.getHeaders()
                : HttpFields.build(request.getHeaders()).put(new HttpField(HttpHeader.HOST, authority.toString())).asImmutable();
        ConnectionMetaData meta = new ConnectionMetaData.Wrapper(request.getConnectionMetaData()) {
            @Override
            public SocketAddress getRemoteSocketAddress() {
                return client != null ? client : super.getRemoteSocketAddress();
            }

            @Override
            public HostPort getServerAuthority() {
                return authority != null ? authority : super.getServerAuthority();
            }
        };
        return new Request.Wrapper(request) {
            @Override public HttpURI getHttpURI() { return uri; }
            @Override public HttpFields getHeaders() { return headers; }
            @Override public ConnectionMetaData getConnectionMetaData() { return meta; }
            @Override public boolean isSecure() { return secure || super.isSecure(); }
        };
    }

    /** From the right, the first address that is not a trusted proxy; null if none is an address. */
    private InetSocketAddress client(List<String> nodes, SocketAddress peer) {
        int port = peer instanceof InetSocketAddress a ? a.getPort() : 0;
        InetAddress leftmost = null;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            InetAddress a = AddressSet.literal(stripPort(nodes.get(i)));
            if (a == null) return null; // "unknown", an obfuscated name: nothing further left can be believed
            if (!trusted.contains(a)) return new InetSocketAddress(a, port);
            leftmost = a;
        }
        return leftmost == null ? null : new InetSocketAddress(leftmost, port);
    }

    /** "1.2.3.4:80" → "1.2.3.4", "[::1]:80" → "[::1]", "::1" stays. */
    private static String stripPort(String node) {
        String n = node.trim();
        if (n.startsWith("[")) return n.indexOf(']') > 0 ? n.substring(0, n.indexOf(']') + 1) : n;
        return n.indexOf(':') == n.lastIndexOf(':') && n.indexOf(':') > 0 ? n.substring(0, n.indexOf(':')) : n;
    }

    private static Forwarding xForwarded(HttpFields headers) {
        Forwarding f = new Forwarding();
        for (String value : headers.getValuesList(HttpHeader.X_FORWARDED_FOR)) {
            for (String node : value.split(",")) if (!node.isBlank()) f.forNodes.add(node.trim());
        }
        f.host = last(headers.getValuesList(HttpHeader.X_FORWARDED_HOST));
        f.proto = last(headers.getValuesList(HttpHeader.X_FORWARDED_PROTO));
        return f;
    }

    /** RFC 7239: elements separated by commas, pairs by semicolons, values optionally quoted. */
    private static Forwarding rfc7239(HttpFields headers) {
        Forwarding f = new Forwarding();
        for (String value : headers.getValuesList(HttpHeader.FORWARDED)) {
            for (String element : splitOutsideQuotes(value, ',')) {
                for (String pair : splitOutsideQuotes(element, ';')) {
                    int eq = pair.indexOf('=');
                    if (eq < 0) continue;
                    String key = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                    String v = unquote(pair.substring(eq + 1).trim());
                    switch (key) {
                        case "for" -> f.forNodes.add(v);
                        case "host" -> f.host = v;
                        case "proto" -> f.proto = v;
                        default -> { }
                    }
                }
            }
        }
        return f;
    }

    private static String last(List<String> values) {
        if (values.isEmpty()) return null;
        String[] parts = values.get(values.size() - 1).split(",");
        String v = parts[parts.length - 1].trim();
        return v.isEmpty() ? null : v;
    }

    private static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> out = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') quoted = !quoted;
            if (c == separator && !quoted) {
                out.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        out.add(part.toString());
        return out;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1).replace("\\\"", "\"") : v;
    }
}
