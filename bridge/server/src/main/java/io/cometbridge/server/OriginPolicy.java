package io.cometbridge.server;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may use the bridge (docs/PROTOCOL.md section 7). Requests without an
 * {@code Origin} header come from non-browser clients and are allowed; browsers always send one
 * on WebSocket handshakes and cross-origin requests.
 */
public final class OriginPolicy {
    private final Set<String> allowed;
    private final boolean anyOrigin;

    public OriginPolicy(List<String> allowedOrigins) {
        this.anyOrigin = allowedOrigins.contains("*");
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param origin     the Origin header, or null
     * @param selfOrigin this server's origin as the request addressed it ({@code scheme://host[:port]})
     */
    public boolean allows(String origin, String selfOrigin) {
        if (origin == null) return true;
        String o = normalize(origin);
        return anyOrigin || allowed.contains(o) || o.equals(normalize(selfOrigin));
    }

    /** Lower-cases and drops default ports so equal origins compare equal. */
    static String normalize(String origin) {
        try {
            URI u = URI.create(origin.trim());
            if (u.getScheme() == null || u.getHost() == null) return origin.trim().toLowerCase(Locale.ROOT);
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            int port = u.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return origin.trim().toLowerCase(Locale.ROOT);
        }
    }
}
