package io.cometbridge.samples;

import io.cometbridge.gateway.GatewayConfig;
import io.cometbridge.gateway.UpstreamOrigin;
import io.cometbridge.session.BridgeConfig;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Gateway mode's command-line options (docs/GATEWAY.md): with {@code --upstream} the server relays
 * every session to that WebSocket service instead of running the demo apps.
 */
public final class UpstreamOptions {

    @Option(names = "--upstream", paramLabel = "URL",
            description = "Gateway mode: relay every session to this WebSocket service (ws:// or wss://), one upstream connection per session, instead of the demo apps. Default: empty = demo apps")
    URI upstream;

    @Option(names = "--upstream-headers", paramLabel = "NAME", split = ",",
            description = "Request headers copied from the client's attach request to the upstream handshake, e.g. Authorization,X-User. Default: empty = none")
    List<String> headers = new ArrayList<>();

    @Option(names = "--upstream-cookies", paramLabel = "NAME", split = ",",
            description = "Cookies copied from the client's request to the upstream handshake; * = all. Default: empty = none")
    List<String> cookies = new ArrayList<>();

    @Option(names = "--upstream-origin", paramLabel = "MODE", defaultValue = "preserve",
            description = "Origin of the upstream handshake: preserve (the browser's), rewrite:ORIGIN or none. Default: ${DEFAULT-VALUE}")
    String origin;

    @Option(names = "--upstream-subprotocols", paramLabel = "PROTO", split = ",",
            description = "Subprotocols the upstream handshake offers. Default: empty = none")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = "--upstream-on-close", paramLabel = "POLICY", defaultValue = "close",
            description = "When the upstream refuses, closes or dies: close (the session closes, 4010/4011) or reconnect (the session waits while the gateway reconnects). Default: ${DEFAULT-VALUE}")
    String onClose;

    @Option(names = "--upstream-reconnect-for", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "With --upstream-on-close=reconnect: how long a session waits for its upstream before it closes (4011). Default: ${DEFAULT-VALUE}")
    Duration reconnectFor;

    @Option(names = "--upstream-trust-store", paramLabel = "FILE",
            description = "wss: CA certificates (PEM) or a PKCS#12 trust store to verify the upstream with. Default: empty = the JVM's")
    Path trustStore;

    @Option(names = "--upstream-trust-store-password", paramLabel = "PASSWORD",
            description = "Password of a PKCS#12 --upstream-trust-store. Default: empty")
    String trustStorePassword;

    @Option(names = "--upstream-insecure", description = "wss: accept any upstream certificate and host name (testing only).")
    boolean insecure;

    /** Whether gateway mode is on. */
    public boolean enabled() {
        return upstream != null;
    }

    /** Checks what the types alone cannot; the message names the option. */
    void validate() {
        if (upstream == null) {
            boolean any = !headers.isEmpty() || !cookies.isEmpty() || !subprotocols.isEmpty() || trustStore != null || insecure
                    || !origin.equals("preserve") || !onClose.equals("close");
            if (any) throw new IllegalArgumentException("--upstream-* options need --upstream");
            return;
        }
        if (trustStore != null && insecure) throw new IllegalArgumentException("--upstream-insecure and --upstream-trust-store exclude each other");
        if (reconnectFor.isNegative()) throw new IllegalArgumentException("--upstream-reconnect-for must not be negative");
        policy();
        try {
            UpstreamOrigin.parse(origin);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--upstream-origin: " + e.getMessage());
        }
        try {
            toGatewayConfig(BridgeConfig.defaults());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--upstream: " + e.getMessage());
        }
    }

    private GatewayConfig.OnClose policy() {
        try {
            return GatewayConfig.OnClose.valueOf(onClose.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--upstream-on-close is close or reconnect, not '" + onClose + "'");
        }
    }

    /** The gateway's settings; its client window follows the bridge's replay-buffer limits. */
    public GatewayConfig toGatewayConfig(BridgeConfig bridge) {
        return GatewayConfig.builder(upstream)
                .headers(Set.copyOf(headers))
                .cookies(Set.copyOf(cookies))
                .origin(UpstreamOrigin.parse(origin))
                .subprotocols(List.copyOf(subprotocols))
                .onClose(policy())
                .reconnectFor(reconnectFor)
                .trustStore(trustStore, trustStorePassword)
                .insecure(insecure)
                .limitsFrom(bridge.maxQueuedMessages(), bridge.maxQueuedBytes(), bridge.maxMessageBytes())
                .build();
    }

    /** For the start line: the upstream without user info or query (which may carry credentials). */
    String describe() {
        return io.cometbridge.gateway.Gateway.describe(upstream);
    }
}
