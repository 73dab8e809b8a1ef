package io.cometbridge.testing;

import io.cometbridge.server.BridgeModule;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;

import java.net.URI;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

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
        this(app, config, modules, customizer, null);
    }

    /** With an authenticator every attach goes through (null: none). */
    public TestServer(RecordingApp app, BridgeConfig config, List<BridgeModule> modules,
                      java.util.function.Consumer<BridgeServer.Builder> customizer, io.cometbridge.api.Authenticator authenticator)
            throws Exception {
        this.app = app;
        this.bridge = Bridge.builder(app).config(config).authenticator(authenticator).build();
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

    /**
     * From now on, records each request the server reads as {@code "HTTP/2.0 /bridge/poll/recv"}:
     * which HTTP version it came over, as the server saw it.
     */
    public Queue<String> recordHttpVersions() {
        Queue<String> versions = new ConcurrentLinkedQueue<>();
        for (Connector connector : server.jetty().getConnectors()) {
            for (ConnectionFactory f : connector.getConnectionFactories()) {
                if (f instanceof HttpConfiguration.ConnectionFactory c) {
                    c.getHttpConfiguration().addCustomizer((request, headers) -> {
                        versions.add(request.getConnectionMetaData().getHttpVersion() + " " + request.getHttpURI().getPath());
                        return request;
                    });
                }
            }
        }
        return versions;
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
