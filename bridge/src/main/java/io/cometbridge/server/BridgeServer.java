package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.websocket.WebSocketTransport;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.net.URI;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP server around a {@link Bridge}: one port, one prefix. The WebSocket endpoint lives at
 * {@code {prefix}/ws}; modules (long-polling, static files, demos) add their own contexts.
 */
public final class BridgeServer implements AutoCloseable {
    private final Bridge bridge;
    private final Server server;
    private final ServerConnector connector;
    private final String prefix;
    private final Duration drain;

    private BridgeServer(Builder b) {
        this.bridge = b.bridge;
        this.prefix = b.prefix;
        this.drain = b.drain;
        QueuedThreadPool threads = new QueuedThreadPool(b.maxThreads, 4);
        threads.setName("bridge-http");
        this.server = new Server(threads);
        server.setStopTimeout(b.drain.toMillis() + 1000);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // no version banner; fewer bytes per poll
        http.setSendXPoweredBy(false);
        // No per-connection header cache: its lookup trie costs ~50 KB of heap per keep-alive
        // connection, and a long-polling session keeps one open all the time (it made polling
        // sessions cost 64-73 KB each instead of ~10 KB). Parsing headers without it is as fast.
        http.setHeaderCacheSize(0);
        // Every socket counts its bytes for the statistics (WireMeter), so wire figures are exact.
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http)) {
            @Override
            protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
                MeteredEndPoint endPoint = new MeteredEndPoint(channel, selector, key, getScheduler(), bridge.totals());
                endPoint.setIdleTimeout(getIdleTimeout());
                return endPoint;
            }
        };
        connector.setHost(b.host);
        connector.setPort(b.port);
        connector.setIdleTimeout(bridge.config().pollTimeout().plus(Duration.ofSeconds(30)).toMillis());
        server.addConnector(connector);

        OriginPolicy origins = new OriginPolicy(bridge.config().allowedOrigins());
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        BridgeModule.ModuleContext moduleContext = new BridgeModule.ModuleContext(bridge, prefix, origins);
        for (BridgeModule m : b.modules) contexts.addHandler(m.createContext(moduleContext));
        if (b.stats) {
            ContextHandler stats = new ContextHandler(prefix + "/stats");
            stats.setAllowNullPathInContext(true);
            stats.setHandler(new StatsHandler(bridge));
            contexts.addHandler(stats);
        }

        BridgeConfig config = bridge.config();
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(config.heartbeatTimeout().plus(Duration.ofSeconds(10)));
            // JSON escaping can grow text up to 6x; the exact per-message limit is checked by the session.
            container.setMaxTextMessageSize(6L * config.maxMessageBytes() + 64);
            container.setMaxBinaryMessageSize(config.maxMessageBytes() + 9L);
            container.addMapping(prefix + "/ws", (request, response, callback) -> {
                String origin = request.getHeaders().get(HttpHeader.ORIGIN);
                if (!origins.allows(origin, selfOrigin(request))) {
                    JsonErrorHandler.write(response, callback,
                            new BridgeException(ErrorCode.ORIGIN_NOT_ALLOWED, "origin not allowed: " + origin));
                    return null;
                }
                WireMeter meter = WireMeter.of(request);
                meter.upgrade(); // the handshake and every frame belong to the session this socket attaches
                return new WebSocketTransport(bridge, meter);
            });
        });
        ws.setHandler(contexts);
        server.setHandler(ws);
        server.setDefaultHandler(new JsonErrorHandler());
    }

    /** The origin a request addressed ({@code scheme://host:port}), for same-origin checks. */
    public static String selfOrigin(Request request) {
        var uri = request.getHttpURI();
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    public static Builder builder(Bridge bridge) {
        return new Builder(bridge);
    }

    public BridgeServer start() throws Exception {
        server.start();
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The base HTTP URI of the bridge, prefix included, e.g. {@code http://127.0.0.1:8080/bridge}. */
    public URI uri() {
        String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "127.0.0.1" : connector.getHost();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + port() + prefix);
    }

    public Bridge bridge() {
        return bridge;
    }

    public Server jetty() {
        return server;
    }

    /** Graceful stop: sessions are closed with 4003 and their clients told, then the server stops. */
    @Override
    public void close() throws Exception {
        bridge.shutdown(drain);
        server.stop();
    }

    public static final class Builder {
        private final Bridge bridge;
        private String host = "127.0.0.1";
        private int port = 0;
        private String prefix = "/bridge";
        private int maxThreads = 200;
        private Duration drain = Duration.ofSeconds(2);
        private final List<BridgeModule> modules = new ArrayList<>();
        private boolean stats = true;

        private Builder(Bridge bridge) {
            this.bridge = bridge;
        }

        public Builder host(String host) { this.host = host; return this; }
        /** 0 picks a free port. */
        public Builder port(int port) { this.port = port; return this; }

        public Builder prefix(String prefix) {
            if (!prefix.startsWith("/") || prefix.endsWith("/")) throw new IllegalArgumentException("prefix must look like /bridge");
            this.prefix = prefix;
            return this;
        }

        public Builder maxThreads(int n) { this.maxThreads = n; return this; }
        public Builder drain(Duration d) { this.drain = d; return this; }
        public Builder module(BridgeModule m) { modules.add(m); return this; }
        /** Serve {@code {prefix}/stats} (default on; see {@link StatsHandler}). */
        public Builder stats(boolean enabled) { this.stats = enabled; return this; }

        public BridgeServer build() {
            return new BridgeServer(this);
        }
    }
}
