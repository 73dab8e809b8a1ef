package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which browser origins may use the bridge (docs/PROTOCOL.md section 7). Requests without an
 * {@code Origin} header come from non-browser clients and are allowed; browsers always send one
 * on WebSocket handshakes and cross-origin requests. Origins compare only in their exact form
 * ({@link OriginSyntax}); {@code "null"} (sandboxed frames, files) is allowed only when listed,
 * never by {@code "*"}.
 */
public final class OriginPolicy {
    private final Set<String> allowed = new HashSet<>();
    private final boolean anyOrigin;
    private final boolean nullOrigin;
    private final int entries;

    /** @throws IllegalArgumentException naming the first entry that is not an origin, {@code *} or {@code null} */
    public OriginPolicy(List<String> allowedOrigins) {
        boolean any = false, nul = false;
        for (String entry : allowedOrigins) {
            if (entry.equals("*")) {
                any = true;
            } else if (entry.equals("null")) {
                nul = true;
            } else {
                String canonical = OriginSyntax.canonical(entry);
                if (canonical == null) {
                    throw new IllegalArgumentException("allowed origin '" + entry + "' is not an origin like"
                            + " https://app.example.com[:port] (scheme://host[:port], nothing else), * or null");
                }
                allowed.add(canonical);
            }
        }
        this.anyOrigin = any;
        this.nullOrigin = nul;
        this.entries = allowedOrigins.size();
    }

    /** The Origin header of a request, its values joined if it came more than once (then no origin matches), or null. */
    public static String originHeader(HttpFields headers) {
        List<String> values = headers.getValuesList(HttpHeader.ORIGIN);
        return values.isEmpty() ? null : values.size() == 1 ? values.get(0) : String.join(", ", values);
    }

    /**
     * @param origin     the Origin header, or null
     * @param selfOrigin this server's origin as the request addressed it ({@code scheme://host[:port]})
     */
    public boolean allows(String origin, String selfOrigin) {
        if (origin == null) return true;
        if (origin.equals("null")) return nullOrigin;
        String o = OriginSyntax.canonical(origin);
        if (o == null) return false;
        // The same text as this server's origin is this server's origin (no second parse).
        return anyOrigin || allowed.contains(o) || origin.equals(selfOrigin) || o.equals(OriginSyntax.canonical(selfOrigin));
    }

    /**
     * Request attribute naming the peer that sent forwarding headers without being a trusted
     * proxy: the server's own origin then came from the proxy's rewritten Host, which a refusal says.
     */
    public static final String UNTRUSTED_FORWARDER = "io.cometbridge.untrustedForwarder";

    /** The documented 403 for a refused origin, or null when {@code origin} is allowed. */
    public BridgeException check(String origin, String selfOrigin) {
        return check(origin, selfOrigin, null);
    }

    /** As {@link #check(String, String)}; {@code untrustedForwarder}: the {@link #UNTRUSTED_FORWARDER} attribute, or null. */
    public BridgeException check(String origin, String selfOrigin, Object untrustedForwarder) {
        if (allows(origin, selfOrigin)) return null;
        String why = refusal(origin, selfOrigin);
        if (untrustedForwarder != null) {
            why += ". The request came through a proxy at " + untrustedForwarder + " that sent forwarding headers"
                    + " (X-Forwarded-Host, Forwarded) but is not a trusted proxy (--trusted-proxies)";
        }
        return new BridgeException(ErrorCode.ORIGIN_NOT_ALLOWED, why);
    }

    /** Why {@code origin} is refused, for the 403 body: what was seen and what was expected. */
    public String refusal(String origin, String selfOrigin) {
        String seen = printable(origin);
        String what = origin.equals("null") || OriginSyntax.canonical(origin) != null
                ? "origin " + seen + " is not allowed"
                : "origin " + seen + " is not an origin (scheme://host[:port] only)";
        String self = OriginSyntax.canonical(selfOrigin);
        return what + ": expected " + (self == null ? printable(selfOrigin) : self)
                + " (this server, as the request addressed it) or an origin on the allowlist (--allowed-origins, "
                + (entries == 0 ? "empty" : entries == 1 ? "1 entry" : entries + " entries") + ")";
    }

    /** Header text fit for a message: printable ASCII, at most 100 characters. */
    static String printable(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 100 ? t.substring(0, 100) + "..." : t;
    }
}
