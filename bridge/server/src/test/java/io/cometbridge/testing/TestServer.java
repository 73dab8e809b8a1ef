package io.cometbridge.testing;

import io.cometbridge.server.BridgeModule;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;

import java.net.URI;
import java.util.List;

/** A real bridge on a real Jetty, loopback, ephemeral port. Close it in the test. */
public final class TestServer implements AutoCloseable {
    public final RecordingApp app;
    public final Bridge bridge;
    public final BridgeServer server;

    public TestServer(RecordingApp app, BridgeConfig config, List<BridgeModule> modules) throws Exception {
        this(app, config, modules, b -> { });
    }

    /** With extra server settings (TLS, idle timeout, …). */
    public TestServer(RecordingApp app, BridgeConfig config, List<BridgeModule> modules,
                      java.util.function.Consumer<BridgeServer.Builder> customizer) throws Exception {
        this.app = app;
        this.bridge = Bridge.builder(app).config(config).build();
        app.bridgeRooms = bridge.rooms();
        BridgeServer.Builder b = BridgeServer.builder(bridge).host("127.0.0.1").port(0);
        for (BridgeModule m : modules) b.module(m);
        customizer.accept(b);
        this.server = b.build().start();
    }

    /** Test defaults: the production limits, except that loopback tests may open many sessions quickly. */
    public static BridgeConfig.Builder config() {
        return BridgeConfig.builder().newSessionsPerSecond(100_000).newSessionBurst(100_000);
    }

    /** http://127.0.0.1:port/bridge */
    public URI uri() {
        return server.uri();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
