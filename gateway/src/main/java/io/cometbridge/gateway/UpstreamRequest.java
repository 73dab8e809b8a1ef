package io.cometbridge.gateway;

import io.cometbridge.api.AttachRequest;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What crosses from the client's attach request to the upstream handshake (docs/GATEWAY.md, "What
 * crosses"): the allowlisted headers as they came, the allowlisted cookies, the Origin per the
 * configuration and the configured subprotocols. Nothing else: not the session id, not the
 * client's address, not any other header or cookie.
 */
final class UpstreamRequest {
    private UpstreamRequest() {
    }

    /** The request headers the bridge must keep for the gateway (BridgeHandler#attachHeaders). */
    static Set<String> headersNeeded(GatewayConfig c) {
        Set<String> names = new HashSet<>(c.headers());
        if (!c.cookies().isEmpty()) names.add("cookie");
        if (c.origin().mode() == UpstreamOrigin.Mode.PRESERVE) names.add("origin");
        return Set.copyOf(names);
    }

    static ClientUpgradeRequest build(GatewayConfig c, AttachRequest attach) {
        ClientUpgradeRequest r = new ClientUpgradeRequest(c.upstream());
        for (String name : c.headers()) {
            List<String> values = attach.headers(name);
            if (!values.isEmpty()) r.setHeader(name, values);
        }
        String cookie = cookies(attach.headers("cookie"), c.cookies());
        if (cookie != null) r.setHeader("Cookie", cookie);
        String origin = c.origin().resolve(attach.header("origin"));
        if (origin != null) r.setHeader("Origin", origin);
        if (!c.subprotocols().isEmpty()) r.setSubProtocols(c.subprotocols());
        r.setTimeout(c.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return r;
    }

    /**
     * The allowlisted cookies of {@code Cookie} header values ({@code name=value} pairs separated
     * by {@code ;}), as one header value; null when none is left. {@code *} keeps every cookie.
     */
    static String cookies(List<String> headerValues, Set<String> allowed) {
        if (allowed.isEmpty()) return null;
        List<String> kept = new ArrayList<>();
        for (String header : headerValues) {
            for (String pair : header.split(";")) {
                String p = pair.trim();
                int eq = p.indexOf('=');
                if (eq <= 0) continue;
                if (allowed.contains("*") || allowed.contains(p.substring(0, eq).trim())) kept.add(p);
            }
        }
        return kept.isEmpty() ? null : String.join("; ", kept);
    }
}
