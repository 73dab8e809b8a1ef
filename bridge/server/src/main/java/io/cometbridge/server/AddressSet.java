package io.cometbridge.server;

import java.util.regex.Pattern;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IP addresses given as addresses and CIDR blocks ({@code 127.0.0.1}, {@code 10.0.0.0/8},
 * {@code ::1}, {@code fd00::/8}): the trusted proxies. Entries are literals, never names, so
 * nothing is ever looked up.
 */
public final class AddressSet {
    // Compiled once: a request's remote address may be checked on every request.
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] a) {
            if (a.length != network.length) return false;
            int full = prefix / 8, rest = prefix % 8;
            for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks = new ArrayList<>();

    /** @throws IllegalArgumentException naming the first entry that is not an address or CIDR block */
    public AddressSet(List<String> entries) {
        for (String entry : entries) {
            String e = entry.trim();
            int slash = e.indexOf('/');
            InetAddress address = literal(slash < 0 ? e : e.substring(0, slash));
            int bits = address == null ? 0 : address.getAddress().length * 8;
            int prefix = bits;
            if (address != null && slash >= 0) {
                String p = e.substring(slash + 1);
                prefix = p.matches("\\d{1,3}") ? Integer.parseInt(p) : -1;
            }
            if (address == null || prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("trusted proxy '" + entry + "' is not an IP address or CIDR block"
                        + " like 10.0.0.0/8, 127.0.0.1 or fd00::/8");
            }
            blocks.add(new Block(address.getAddress(), prefix));
        }
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    public boolean contains(InetAddress address) {
        if (address == null) return false;
        byte[] a = address.getAddress();
        for (Block b : blocks) if (b.contains(a)) return true;
        return false;
    }

    /**
     * An IPv4 dotted quad or an IPv6 literal (brackets allowed) as an address, or null. Checked
     * before the JDK sees it, so a name (or a malformed quad) is never resolved.
     */
    public static InetAddress literal(String text) {
        if (text == null) return null;
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (t.contains(":")) {
            if (!IPV6_CHARS.matcher(t).matches()) return null;
        } else {
            if (!IPV4.matcher(t).matches()) return null;
            for (String octet : t.split("\\.")) if (Integer.parseInt(octet) > 255) return null;
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
