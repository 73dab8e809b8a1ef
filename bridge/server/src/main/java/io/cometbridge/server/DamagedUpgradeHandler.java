package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.session.Bridge;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request to {@code {prefix}/ws} that Jetty did not upgrade. Browsers hide why a WebSocket
 * failed (close 1006), so the server records what it saw under the nonce in the URL's {@code n}
 * parameter; the client's polling session then gets the reason as a notice (PROTOCOL.md 3.1).
 *
 * <p>Anyone who knows a client's nonce can send such requests, so a reason holds only words the
 * server chose: a code, fixed text, the HTTP version Jetty parsed, the standard tokens of the
 * {@code Connection} header, whether a {@code Via} header was present. Never header text.
 */
final class DamagedUpgradeHandler extends Handler.Abstract.NonBlocking {
    /** Connection tokens a reason may name; any other token shows as "other". */
    private static final Set<String> CONNECTION_TOKENS = Set.of("close", "keep-alive", "upgrade");

    private final Bridge bridge;
    private final OriginPolicy origins;

    DamagedUpgradeHandler(Bridge bridge, OriginPolicy origins) {
        this.bridge = bridge;
        this.origins = origins;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        BridgeException refused = origins.check(OriginPolicy.originHeader(request.getHeaders()), BridgeServer.selfOrigin(request),
                request.getAttribute(OriginPolicy.UNTRUSTED_FORWARDER));
        if (refused != null) {
            JsonErrorHandler.write(response, callback, refused);
            return true;
        }
        String reason = diagnose(request);
        bridge.upgradeNotices().damaged(Request.extractQueryParameters(request).getValue("n"), reason);
        response.getHeaders().put(HttpHeader.UPGRADE, "websocket");
        JsonErrorHandler.write(response, callback, new BridgeException(ErrorCode.UPGRADE_REQUIRED, reason));
        return true;
    }

    /** "code: what the server saw", e.g. "upgrade_stripped: ...", in server-chosen words only. */
    static String diagnose(Request request) {
        HttpFields h = request.getHeaders();
        String method = request.getMethod();
        String version = request.getConnectionMetaData().getHttpVersion().asString();
        String upgrade = h.get(HttpHeader.UPGRADE);
        String connection = connection(h);
        String reason;
        if (!"GET".equals(method)) {
            HttpMethod known = HttpMethod.fromString(method);
            reason = "method_changed: " + (known == null ? "a request with a non-standard method" : "a " + known.asString() + " request")
                    + " reached the WebSocket endpoint";
        } else if (h.get(HttpHeader.SEC_WEBSOCKET_KEY) == null) {
            reason = "not_websocket: a plain GET without WebSocket handshake headers reached the WebSocket"
                    + " endpoint (an intermediary rewrote the request)";
        } else if (upgrade == null) {
            reason = "upgrade_stripped: the WebSocket handshake reached the server without its Upgrade header ("
                    + version + ", " + connection + "): an intermediary does not pass upgrades, e.g. a reverse proxy"
                    + " with a plain proxy_pass";
        } else if (!upgrade.equalsIgnoreCase("websocket")) {
            reason = "upgrade_changed: the handshake arrived with an Upgrade header naming another protocol than websocket";
        } else if (!connection.contains("upgrade")) {
            reason = "connection_stripped: the handshake kept Upgrade: websocket but its Connection header lost"
                    + " \"upgrade\" (" + connection + ", " + version + ")";
        } else {
            reason = "not_upgraded: the handshake reached the server but could not be upgraded (" + version + ")";
        }
        return h.contains(HttpHeader.VIA) ? reason + " [a Via header was present]" : reason;
    }

    /** "Connection: close, other", naming only standard tokens; or "no Connection header". */
    private static String connection(HttpFields h) {
        if (!h.contains(HttpHeader.CONNECTION)) return "no Connection header";
        Set<String> seen = new TreeSet<>();
        for (String value : h.getValuesList(HttpHeader.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) seen.add(CONNECTION_TOKENS.contains(t) ? t : "other");
            }
        }
        return seen.isEmpty() ? "an empty Connection header" : "Connection: " + String.join(", ", seen);
    }
}
