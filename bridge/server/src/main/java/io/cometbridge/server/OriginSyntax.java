package io.cometbridge.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exact shape of an origin (RFC 6454 section 6.2 serialization): {@code scheme "://" host [":" port]}
 * and nothing else: no userinfo, path, query, fragment or whitespace. A browser always sends this
 * shape; anything looser ({@code http://evil.com@app.example.com}, {@code http://app.example.com/x})
 * is not an origin, so it never matches an allowlist entry (docs/PROTOCOL.md section 7).
 */
public final class OriginSyntax {
    private static final Pattern ORIGIN = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*)://(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?");
    private static final int MAX_LENGTH = 300;
    /**
     * Origins already parsed (every request checks one, and a server sees few distinct ones):
     * canonical form, or "" for text that is not an origin. Bounded: emptied when full.
     */
    private static final ConcurrentHashMap<String, String> PARSED = new ConcurrentHashMap<>();
    private static final int PARSED_MAX = 1024;

    private OriginSyntax() {
    }

    /**
     * The canonical form of an origin (scheme and host lower-cased, default port dropped, IPv6 in
     * RFC 5952 form), or null when {@code text} is not exactly an origin. {@code "null"} is not an
     * origin here: callers treat it on its own.
     */
    public static String canonical(String text) {
        if (text == null || text.length() > MAX_LENGTH) return null;
        String known = PARSED.get(text);
        if (known == null) {
            if (PARSED.size() >= PARSED_MAX) PARSED.clear();
            String parsed = parse(text);
            known = parsed == null ? "" : parsed;
            PARSED.put(text, known);
        }
        return known.isEmpty() ? null : known;
    }

    private static String parse(String text) {
        Matcher m = ORIGIN.matcher(text);
        if (!m.matches()) return null;
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        String host = host(m.group(2));
        if (host == null) return null;
        String port = "";
        if (m.group(3) != null) {
            int p = Integer.parseInt(m.group(3));
            if (p < 1 || p > 65535) return null;
            if (p != defaultPort(scheme)) port = ":" + p;
        }
        return scheme + "://" + host + port;
    }

    /** The port a scheme implies when the origin names none, or -1. */
    static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }

    /** A host name lower-cased, or a bracketed IPv6 literal in canonical form; null if malformed. */
    private static String host(String host) {
        if (!host.startsWith("[")) {
            return host.startsWith(".") || host.contains("..") ? null : host.toLowerCase(Locale.ROOT);
        }
        String literal = host.substring(1, host.length() - 1);
        if (!literal.contains(":")) return null;
        try {
            // A literal with ':' is parsed, never looked up.
            InetAddress address = InetAddress.getByName(literal);
            return address instanceof Inet6Address v6 ? "[" + ipv6(v6.getAddress()) + "]" : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** RFC 5952 text of an IPv6 address: lower-case hex, no leading zeros, longest zero run as "::". */
    static String ipv6(byte[] a) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        int bestStart = -1, bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLength && j - i > 1) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') out.append(':');
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
