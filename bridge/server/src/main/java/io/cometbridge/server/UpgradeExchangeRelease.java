package io.cometbridge.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.websocket.api.UpgradeRequest;
import org.eclipse.jetty.websocket.api.UpgradeResponse;

import java.lang.reflect.Field;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lets go of a WebSocket's upgrade exchange once the socket is open. Jetty 12.1 keeps records of
 * the upgrade request and response for the socket's whole life, and both still reach the HTTP
 * exchange: the response's header map is a live view of the response, the request's headers
 * carry a link back to the HTTP channel and each header field one to the HTTP parser. Through them the request, its parsed headers, the HTTP
 * parser and the HTTP connection the WebSocket replaced all stay reachable, ~3 KB of heap for
 * every open socket (the largest cost of an idle WebSocket session). This swaps the two for plain
 * copies of the same headers, so the exchange can be collected; what the records answer stays
 * the same.
 *
 * <p>Done through reflection on Jetty's internal records: if Jetty changes them (a field renamed,
 * another class), that record is left alone: the socket works and only keeps its exchange, as
 * before.
 */
final class UpgradeExchangeRelease {
    private static final Field RESPONSE_HEADERS = field("CompletedUpgradeResponse", "_headers", Map.class);
    private static final Field REQUEST_FIELDS = field("CompletedUpgradeRequest", "_httpFields", HttpFields.class);

    private UpgradeExchangeRelease() {
    }

    /** Whether this Jetty's records can be detached (false: {@link #release} leaves one or both alone). */
    static boolean supported() {
        return RESPONSE_HEADERS != null && REQUEST_FIELDS != null;
    }

    static void release(UpgradeRequest request, UpgradeResponse response) {
        if (owns(RESPONSE_HEADERS, response)) {
            Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String name : response.getHeaderNames()) copy.put(name, List.copyOf(response.getHeaders(name)));
            set(RESPONSE_HEADERS, response, Collections.unmodifiableMap(copy));
        }
        if (owns(REQUEST_FIELDS, request)) {
            try {
                HttpFields fields = (HttpFields) REQUEST_FIELDS.get(request);
                // Plain fields: those of the parser are its inner objects, and hold it.
                set(REQUEST_FIELDS, request, HttpFields.from(fields.stream()
                        .map(f -> new HttpField(f.getHeader(), f.getName(), f.getValue())).toArray(HttpField[]::new)));
            } catch (IllegalAccessException | RuntimeException e) {
                // left as Jetty made it
            }
        }
    }

    private static boolean owns(Field f, Object record) {
        return f != null && record != null && f.getDeclaringClass() == record.getClass();
    }

    private static void set(Field f, Object record, Object value) {
        try {
            f.set(record, value);
        } catch (IllegalAccessException | RuntimeException e) {
            // left as Jetty made it: see the class comment
        }
    }

    private static Field field(String record, String name, Class<?> type) {
        try {
            Field f = Class.forName("org.eclipse.jetty.websocket.server.internal." + record).getDeclaredField(name);
            if (f.getType() != type) return null;
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
