package io.cometbridge.gateway;

import java.net.URI;

/**
 * The Origin header of the upstream handshake: the browser's ({@code preserve}, the default: an
 * upstream that checks origins keeps working, and the bridge has already checked it against its
 * own allowlist), a fixed one ({@code rewrite:https://app.example.com}), or none ({@code none}).
 */
public record UpstreamOrigin(Mode mode, String value) {
    public enum Mode { PRESERVE, REWRITE, NONE }

    public static final UpstreamOrigin PRESERVE = new UpstreamOrigin(Mode.PRESERVE, null);
    public static final UpstreamOrigin NONE = new UpstreamOrigin(Mode.NONE, null);

    public UpstreamOrigin {
        if ((mode == Mode.REWRITE) != (value != null)) throw new IllegalArgumentException("only rewrite takes an origin");
    }

    /** {@code preserve}, {@code none} or {@code rewrite:<scheme>://<host>[:<port>]}. */
    public static UpstreamOrigin parse(String text) {
        String t = text.trim();
        if (t.equals("preserve")) return PRESERVE;
        if (t.equals("none")) return NONE;
        if (t.startsWith("rewrite:")) {
            String origin = t.substring("rewrite:".length());
            URI u;
            try {
                u = new URI(origin);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not an origin: " + origin);
            }
            if (u.getScheme() == null || u.getHost() == null || (u.getRawPath() != null && !u.getRawPath().isEmpty())
                    || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
                throw new IllegalArgumentException("not an origin (scheme://host[:port]): " + origin);
            }
            return new UpstreamOrigin(Mode.REWRITE, origin);
        }
        throw new IllegalArgumentException("expected preserve, none or rewrite:<origin>, not " + text);
    }

    /** The Origin to send, given the client's (which may be null). */
    String resolve(String clientOrigin) {
        return switch (mode) {
            case PRESERVE -> clientOrigin;
            case REWRITE -> value;
            case NONE -> null;
        };
    }

    @Override
    public String toString() {
        return mode == Mode.REWRITE ? "rewrite:" + value : mode.name().toLowerCase(java.util.Locale.ROOT);
    }
}
