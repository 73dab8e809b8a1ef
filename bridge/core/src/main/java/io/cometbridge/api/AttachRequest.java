package io.cometbridge.api;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HTTP request that attached a transport to a session (a WebSocket upgrade, or a polling
 * {@code attach} POST), as far as the application asked to see it: only the headers named by
 * {@link BridgeHandler#attachHeaders()} are kept, so a server with many sessions holds no copies
 * of headers nobody reads. Immutable; header names are case-insensitive.
 */
public final class AttachRequest {
    /** A request with no headers kept (the default, and sessions not attached through HTTP). */
    public static final AttachRequest NONE = new AttachRequest(Map.of());

    private final Map<String, List<String>> headers; // lower-case names, in name order

    private AttachRequest(Map<String, List<String>> headers) {
        this.headers = headers;
    }

    /**
     * The headers of a request whose names are in {@code wanted} (lower-case), read through
     * {@code valuesOf} (name → values, empty or null when absent).
     */
    public static AttachRequest of(Collection<String> wanted, java.util.function.Function<String, List<String>> valuesOf) {
        if (wanted.isEmpty()) return NONE;
        Map<String, List<String>> kept = new TreeMap<>();
        for (String name : wanted) {
            List<String> values = valuesOf.apply(name);
            if (values != null && !values.isEmpty()) kept.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
        }
        return kept.isEmpty() ? NONE : new AttachRequest(java.util.Collections.unmodifiableMap(kept));
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : values.get(0);
    }

    /** Every value of a header (empty when absent). */
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** Every header kept, by lower-case name. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public String toString() {
        return "AttachRequest" + headers.keySet(); // names only: values may be credentials
    }
}
