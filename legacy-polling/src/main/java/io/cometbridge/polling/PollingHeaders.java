package io.cometbridge.polling;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.server.OriginPolicy;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The headers of the JSON endpoints (long-polling, Bayeux): no caching, a Content-Length, CORS for
 * allowed origins, and the preflight's answer.
 *
 * <p>No {@code X-Accel-Buffering: no}: it tells nginx not to buffer a response it is streaming, and
 * every answer here is complete, with its Content-Length, the moment it is sent (a held poll is not
 * a stream: nothing is written until its answer is whole). A buffering proxy forwards it at once
 * all the same; the header cost 23 bytes an answer.
 */
public final class PollingHeaders {
    static final String SESSION_HEADER = "X-Bridge-Session";
    /** The resume key of the polling transport's open frame, on every request after its attach. */
    static final String KEY_HEADER = "X-Bridge-Key";

    // Encoded once: they go on every answer.
    // JSON is UTF-8 by definition: no charset parameter (14 bytes an answer).
    private static final HttpField JSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField CREDENTIALS = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    private static final HttpField VARY_ORIGIN = new PreEncodedHttpField(HttpHeader.VARY, "Origin");

    private PollingHeaders() {
    }

    public static void noStoreJson(Response response, int length) {
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(JSON);
        headers.put(NO_STORE);
        headers.put(HttpHeader.CONTENT_LENGTH, length);
    }

    /**
     * Adds CORS headers for an allowed cross-origin caller. A refused origin throws the documented
     * 403, whose message names the origin seen and the one expected.
     */
    public static void cors(Request request, Response response, OriginPolicy origins) {
        String origin = OriginPolicy.originHeader(request.getHeaders());
        if (origin == null) return;
        String self = BridgeServer.selfOrigin(request);
        BridgeException refused = origins.check(origin, self, request.getAttribute(OriginPolicy.UNTRUSTED_FORWARDER));
        if (refused != null) throw refused;
        // A same-origin request needs no CORS headers (about 100 bytes on every answer).
        if (origin.equalsIgnoreCase(self)) return;
        // Echoed as sent: it has the exact shape of an origin (OriginSyntax), nothing more.
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.put(CREDENTIALS);
        headers.put(VARY_ORIGIN);
    }

    /** The answer to a CORS preflight (OPTIONS): 204, what may be sent, for ten minutes. */
    public static void preflight(Response response) {
        response.setStatus(204);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "POST");
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, " + SESSION_HEADER + ", " + KEY_HEADER);
        headers.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
        headers.put(NO_STORE);
    }
}
