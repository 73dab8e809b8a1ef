package io.cometbridge.gateway;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a {@link Gateway} needs: where the upstream is, what of the client's request crosses to
 * it, what happens when it fails, and the two flow-control windows. Immutable; build with
 * {@link #builder(URI)}. docs/GATEWAY.md explains each setting.
 *
 * @param upstream          the service, {@code ws://} or {@code wss://}
 * @param headers           request headers copied from the client's attach request to the upstream handshake (lower-case)
 * @param cookies           cookie names copied from the client's {@code Cookie} header ({@code *}: every cookie)
 * @param origin            what Origin the upstream handshake carries
 * @param subprotocols      subprotocols the upstream handshake offers (empty: none)
 * @param onClose           what a session does when its upstream fails
 * @param reconnectFor      with {@link OnClose#RECONNECT}: how long a session tries to get its upstream back
 * @param trustStore        wss: CA certificates (PEM) or a PKCS#12 trust store to verify the upstream with; null = the JVM's
 * @param trustStorePassword password of a PKCS#12 trust store (null for PEM)
 * @param insecure          wss: accept any certificate and host name (testing only)
 * @param clientWindow      upstream messages relayed to the client and not yet acknowledged by it, past which the
 *                          upstream is no longer read (messages and payload bytes)
 * @param upstreamWindow    client messages written to the upstream and not yet on its socket, past which the
 *                          session stops taking client messages
 * @param maxMessageBytes   largest message taken from the upstream (the bridge's own limit): larger ones end it (1009)
 * @param connectTimeout    how long one connection attempt (TCP, TLS, handshake) may take
 * @param pingInterval      how often an idle upstream connection is pinged (keeps proxies and NATs on the way open)
 */
public record GatewayConfig(
        URI upstream,
        Set<String> headers,
        Set<String> cookies,
        UpstreamOrigin origin,
        List<String> subprotocols,
        OnClose onClose,
        Duration reconnectFor,
        Path trustStore,
        String trustStorePassword,
        boolean insecure,
        Window clientWindow,
        Window upstreamWindow,
        int maxMessageBytes,
        Duration connectTimeout,
        Duration pingInterval) {

    /** What a session does when its upstream refuses, closes or dies (docs/GATEWAY.md, "When the upstream fails"). */
    public enum OnClose {
        /** The session closes with 4010 (upstream closed) or 4011 (upstream unreachable); the client is told. */
        CLOSE,
        /** The session waits (client messages held, bounded) while it reconnects with backoff; 4011 after {@code reconnectFor}. */
        RECONNECT
    }

    /** A bound on messages in flight: a count and payload bytes; work stops at either, and resumes below half of both. */
    public record Window(int messages, long bytes) {
        public Window {
            if (messages < 2 || bytes < 2) throw new IllegalArgumentException("a window needs room for 2 messages and bytes");
        }
    }

    /** Headers the WebSocket client sets itself: never copied from the client. */
    static final Set<String> RESERVED_HEADERS = Set.of("host", "upgrade", "connection", "content-length", "transfer-encoding",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol",
            "sec-websocket-accept", "cookie", "origin");

    public GatewayConfig {
        Objects.requireNonNull(upstream, "upstream");
        String scheme = upstream.getScheme() == null ? "" : upstream.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss") || upstream.getHost() == null) {
            throw new IllegalArgumentException("the upstream is a ws:// or wss:// URL, not " + upstream);
        }
        headers = lowerCase(headers);
        for (String h : headers) {
            if (RESERVED_HEADERS.contains(h)) {
                throw new IllegalArgumentException("header " + h + " cannot be forwarded as is"
                        + (h.equals("cookie") ? " (use the cookie allowlist)" : h.equals("origin") ? " (use the origin setting)" : ""));
            }
        }
        cookies = Set.copyOf(cookies);
        subprotocols = List.copyOf(subprotocols);
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(onClose, "onClose");
        if (reconnectFor.isNegative() || connectTimeout.isZero() || connectTimeout.isNegative() || pingInterval.isNegative()) {
            throw new IllegalArgumentException("durations must be positive");
        }
        if (maxMessageBytes < 1) throw new IllegalArgumentException("maxMessageBytes must be positive");
    }

    private static Set<String> lowerCase(Set<String> names) {
        return names.stream().map(n -> n.trim().toLowerCase(Locale.ROOT)).filter(n -> !n.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    public static Builder builder(URI upstream) {
        return new Builder(upstream);
    }

    public static final class Builder {
        private final URI upstream;
        private Set<String> headers = Set.of();
        private Set<String> cookies = Set.of();
        private UpstreamOrigin origin = UpstreamOrigin.PRESERVE;
        private List<String> subprotocols = List.of();
        private OnClose onClose = OnClose.CLOSE;
        private Duration reconnectFor = Duration.ofSeconds(30);
        private Path trustStore;
        private String trustStorePassword;
        private boolean insecure;
        private Window clientWindow = new Window(1024, 2L * 1024 * 1024);
        private Window upstreamWindow = new Window(1024, 1024 * 1024);
        private int maxMessageBytes = 256 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(15);

        private Builder(URI upstream) {
            this.upstream = upstream;
        }

        public Builder headers(Set<String> names) { headers = names; return this; }
        public Builder cookies(Set<String> names) { cookies = names; return this; }
        public Builder origin(UpstreamOrigin o) { origin = o; return this; }
        public Builder subprotocols(List<String> p) { subprotocols = p; return this; }
        public Builder onClose(OnClose p) { onClose = p; return this; }
        public Builder reconnectFor(Duration d) { reconnectFor = d; return this; }
        public Builder trustStore(Path file, String password) { trustStore = file; trustStorePassword = password; return this; }
        public Builder insecure(boolean b) { insecure = b; return this; }
        public Builder clientWindow(Window w) { clientWindow = w; return this; }
        public Builder upstreamWindow(Window w) { upstreamWindow = w; return this; }
        public Builder maxMessageBytes(int n) { maxMessageBytes = n; return this; }
        public Builder connectTimeout(Duration d) { connectTimeout = d; return this; }
        /** Zero: never ping. */
        public Builder pingInterval(Duration d) { pingInterval = d; return this; }

        /**
         * Sizes the client window to a quarter of the session's replay-buffer bounds, so the
         * gateway stops reading its upstream long before a slow client could lose its session to
         * 4002, and caps upstream messages at the bridge's message limit.
         */
        public Builder limitsFrom(int maxQueuedMessages, long maxQueuedBytes, int maxMessageBytes) {
            this.clientWindow = new Window(Math.max(2, maxQueuedMessages / 4), Math.max(2, maxQueuedBytes / 4));
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        public GatewayConfig build() {
            return new GatewayConfig(upstream, headers, cookies, origin, subprotocols, onClose, reconnectFor, trustStore,
                    trustStorePassword, insecure, clientWindow, upstreamWindow, maxMessageBytes, connectTimeout, pingInterval);
        }
    }
}
