package io.cometbridge.polling;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.server.OriginPolicy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.Collections;
import java.util.Enumeration;

/** The headers every polling response carries: no caching, no proxy buffering, CORS for allowed origins. */
public final class PollingHeaders {
    static final String SESSION_HEADER = "X-Bridge-Session";
    /** The resume key of the polling transport's open frame, on every request after its attach. */
    static final String KEY_HEADER = "X-Bridge-Key";

    private PollingHeaders() {
    }

    public static void noStoreJson(HttpServletResponse response, int length) {
        response.setContentType("application/json"); // JSON is UTF-8 by definition: no charset parameter (14 bytes an answer)
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no");
        response.setContentLength(length);
    }

    /**
     * Adds CORS headers for an allowed cross-origin caller and returns true. A refused origin
     * throws the documented 403, whose message names the origin seen and the one expected.
     */
    public static boolean cors(HttpServletRequest request, HttpServletResponse response, OriginPolicy origins) {
        String origin = originHeader(request);
        if (origin == null) return true;
        String self = selfOrigin(request);
        BridgeException refused = origins.check(origin, self, request.getAttribute(OriginPolicy.UNTRUSTED_FORWARDER));
        if (refused != null) throw refused;
        // A same-origin request needs no CORS headers (about 100 bytes on every answer).
        if (origin.equalsIgnoreCase(self)) return true;
        // Echoed as sent: it has the exact shape of an origin (OriginSyntax), nothing more.
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Allow-Credentials", "true");
        response.setHeader("Vary", "Origin");
        return true;
    }

    public static void preflight(HttpServletResponse response) {
        response.setStatus(204);
        response.setHeader("Access-Control-Allow-Methods", "POST");
        response.setHeader("Access-Control-Allow-Headers", "Content-Type, " + SESSION_HEADER + ", " + KEY_HEADER);
        response.setHeader("Access-Control-Max-Age", "600");
        response.setHeader("Cache-Control", "no-store");
    }

    /** The Origin header; two or more are joined, so they match no origin. */
    private static String originHeader(HttpServletRequest request) {
        Enumeration<String> values = request.getHeaders("Origin");
        if (!values.hasMoreElements()) return null;
        String first = values.nextElement();
        return values.hasMoreElements() ? first + ", " + String.join(", ", Collections.list(values)) : first;
    }

    /** The origin this request addressed ({@code scheme://host:port}), for same-origin checks. */
    public static String selfOrigin(HttpServletRequest request) {
        int port = request.getServerPort();
        return request.getScheme() + "://" + request.getServerName() + (port > 0 ? ":" + port : "");
    }
}
