package io.cometbridge.gateway.testing;

import io.cometbridge.gateway.Gateway;
import io.cometbridge.gateway.GatewayConfig;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;

import java.net.URI;

/** A bridge in gateway mode on a real Jetty (127.0.0.1, any port), both transports. Close it in the test. */
public final class GatewayBridge implements AutoCloseable {
    public final Gateway gateway;
    public final Bridge bridge;
    public final BridgeServer server;

    public GatewayBridge(GatewayConfig.Builder gateway, BridgeConfig config) throws Exception {
        this.gateway = new Gateway(gateway.limitsFrom(config.maxQueuedMessages(), config.maxQueuedBytes(), config.maxMessageBytes()).build());
        this.bridge = Bridge.builder(this.gateway).config(config).build();
        this.server = BridgeServer.builder(bridge).host("127.0.0.1").port(0).module(new LongPollingModule()).build().start();
    }

    /** Test defaults: production limits, except that loopback tests may open many sessions quickly. */
    public static BridgeConfig.Builder config() {
        return BridgeConfig.builder().newSessionsPerSecond(100_000).newSessionBurst(100_000);
    }

    /** http://127.0.0.1:port/bridge */
    public URI uri() {
        return server.uri();
    }

    @Override
    public void close() throws Exception {
        server.close(); // closes every session (4003) and the bridge
        gateway.close();
    }
}
