package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The bearer token an operator endpoint ({@code /stats}, {@code /metrics}) may require. A request
 * without it gets {@code 401 unauthorized} with {@code WWW-Authenticate: Bearer} (PROTOCOL.md 10).
 */
public final class BearerToken {
    private final byte[] expected; // null: no token needed
    private final String realm;
    private final String what;

    /**
     * @param token the token, or null for none
     * @param realm the realm named in {@code WWW-Authenticate}, e.g. "stats"
     * @param what what the endpoint serves, for the error message, e.g. "statistics"
     */
    public BearerToken(String token, String realm, String what) {
        if (token != null && token.isBlank()) throw new IllegalArgumentException("a token must not be blank");
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.realm = realm;
        this.what = what;
    }

    /**
     * True if the request may go on; otherwise the 401 has been written and the callback will complete.
     * Compares in constant time, so the answer's timing says nothing about the token.
     */
    public boolean admit(Request request, Response response, Callback callback) {
        if (expected == null) return true;
        String given = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected)) return true;
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
        JsonErrorHandler.write(response, callback, new BridgeException(ErrorCode.UNAUTHORIZED,
                what + " need the token: Authorization: Bearer <token>"));
        return false;
    }
}
