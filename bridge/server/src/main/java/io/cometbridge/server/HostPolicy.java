package io.cometbridge.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which {@code Host} names the server answers to (docs/PROTOCOL.md section 7.1): the defence
 * against DNS rebinding, where an attacker's name is pointed at this server and the victim's
 * browser sends that name as {@code Host} with a matching {@code Origin}.
 *
 * <p>Always accepted: no Host (an HTTP/1.0 client; browsers always send one), an IP address
 * literal and {@code localhost} (a rebinding attack needs a name the attacker controls, and a
 * browser resolves {@code localhost} itself). Names: those configured ({@code name} for any port,
 * {@code name:port} for one); {@code *} accepts any. With none configured, a server bound to a
 * loopback address accepts no other name, and a server bound to any other address (a wildcard,
 * a public interface) accepts any name: it cannot know the names it is published under.
 */
public final class HostPolicy {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*\\.?");
    // Compiled once: the Host of every request is checked (String.matches compiles on each call).
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:.%A-F]+");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private final boolean anyHost;
    private final Set<String> names = new HashSet<>();     // any port
    private final Set<String> namePorts = new HashSet<>(); // "name:port"
    private final List<String> configured;

    private HostPolicy(boolean anyHost, List<String> configured) {
        this.anyHost = anyHost;
        this.configured = List.copyOf(configured);
    }

    /**
     * @param bindHost   the address the server listens on
     * @param configured allowed names ({@code name}, {@code name:port}, {@code *}); empty for the default
     * @throws IllegalArgumentException naming an entry that is not a host name
     */
    public static HostPolicy of(String bindHost, List<String> configured) {
        boolean any = configured.contains("*") || (configured.isEmpty() && !isLoopback(bindHost));
        HostPolicy p = new HostPolicy(any, configured);
        for (String entry : configured) {
            if (entry.equals("*")) continue;
            String e = entry.toLowerCase(Locale.ROOT);
            int colon = e.lastIndexOf(':');
            String name = colon < 0 ? e : e.substring(0, colon);
            if (!NAME.matcher(name).matches() || (colon >= 0 && port(e.substring(colon + 1)) < 0)) {
                throw new IllegalArgumentException("allowed host '" + entry + "' is not a host name like"
                        + " chat.example.com or chat.example.com:8443 (IP addresses and localhost are always allowed)");
            }
            if (colon < 0) p.names.add(stripDot(name));
            else p.namePorts.add(stripDot(name) + ":" + port(e.substring(colon + 1)));
        }
        return p;
    }

    /** Whether the host the request addressed may be served; {@code host} may be null (none given), port -1 if none. */
    public boolean allows(String host, int port) {
        if (host == null || host.isEmpty() || anyHost) return true;
        String h = host.toLowerCase(Locale.ROOT);
        if (isAddressLiteral(h) || stripDot(h).equals("localhost")) return true;
        String name = stripDot(h);
        return names.contains(name) || (port > 0 && namePorts.contains(name + ":" + port));
    }

    /** The 421 message: the Host seen and what this server answers to. */
    public String refusal(String host, int port) {
        String seen = OriginPolicy.printable(host + (port > 0 ? ":" + port : ""));
        return "host " + seen + " is not allowed: this server answers to IP addresses, localhost"
                + (configured.isEmpty() ? "" : " and " + configured.size() + " configured name(s)")
                + " (--allowed-hosts). Behind a reverse proxy, forward the public Host or configure --trusted-proxies";
    }

    /** Whether a listening address is loopback only (127.0.0.0/8, ::1, localhost). */
    static boolean isLoopback(String bindHost) {
        if (bindHost == null) return false;
        String h = bindHost.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) return true;
        if (!isAddressLiteral(h)) return false;
        try {
            return InetAddress.getByName(strip(h)).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** An IPv4 dotted quad or an IPv6 literal (bracketed or not); never looked up. */
    static boolean isAddressLiteral(String host) {
        String h = strip(host);
        if (h.contains(":")) return IPV6_CHARS.matcher(h).matches() && parses(h);
        return isDottedQuad(h);
    }

    /**
     * Four decimal octets of one to three digits, each at most 255 (anything else the JDK would
     * look up as a name). A scan, not a pattern: every request's Host comes through here.
     */
    private static boolean isDottedQuad(String h) {
        int dots = 0, digits = 0, octet = 0;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c >= '0' && c <= '9' && digits < 3) {
                octet = octet * 10 + (c - '0');
                digits++;
            } else if (c == '.' && digits > 0 && octet <= 255 && dots < 3) {
                dots++;
                digits = 0;
                octet = 0;
            } else {
                return false;
            }
        }
        return dots == 3 && digits > 0 && octet <= 255;
    }

    /** An IPv6 literal: with a ':' the JDK parses it and never looks it up. */
    private static boolean parses(String literal) {
        try {
            InetAddress.getByName(literal);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String strip(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static int port(String s) {
        if (!PORT.matcher(s).matches()) return -1;
        int p = Integer.parseInt(s);
        return p >= 1 && p <= 65535 ? p : -1;
    }

    /** The configured entries (for logs). */
    public List<String> configured() {
        return new ArrayList<>(configured);
    }

    public boolean acceptsAnyHost() {
        return anyHost;
    }
}
