package io.cometbridge.polling;

import io.cometbridge.server.OriginPolicy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The headers every polling response carries: no caching, no proxy buffering, CORS for allowed origins. */
final class PollingHeaders {
    static final String SESSION_HEADER = "X-Bridge-Session";
    /** The resume key of the polling transport's open frame, on every request after its attach. */
    static final String KEY_HEADER = "X-Bridge-Key";

    private PollingHeaders() {
    }

    static void noStoreJson(HttpServletResponse response, int length) {
        response.setContentType("application/json; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no");
        response.setContentLength(length);
    }

    /**
     * Adds CORS headers for an allowed cross-origin caller. Returns false if the origin is not
     * allowed (the caller answers 403).
     */
    static boolean cors(HttpServletRequest request, HttpServletResponse response, OriginPolicy origins) {
        String origin = request.getHeader("Origin");
        if (origin == null) return true;
        if (!origins.allows(origin, selfOrigin(request))) return false;
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Allow-Credentials", "true");
        response.setHeader("Vary", "Origin");
        return true;
    }

    static void preflight(HttpServletResponse response) {
        response.setStatus(204);
        response.setHeader("Access-Control-Allow-Methods", "POST");
        response.setHeader("Access-Control-Allow-Headers", "Content-Type, " + SESSION_HEADER + ", " + KEY_HEADER);
        response.setHeader("Access-Control-Max-Age", "600");
        response.setHeader("Cache-Control", "no-store");
    }

    private static String selfOrigin(HttpServletRequest request) {
        int port = request.getServerPort();
        return request.getScheme() + "://" + request.getServerName() + (port > 0 ? ":" + port : "");
    }
}
