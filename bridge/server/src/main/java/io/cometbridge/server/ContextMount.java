package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.session.Bridge;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bridge inside an application's context (an ee10 servlet context at {@code /app}, say), at a
 * prefix relative to it ({@code /rt}: the clients use {@code /app/rt}). It is a handler chain to
 * insert into that context ({@code ServletContextHandler.insertHandler}); {@code BridgeServlets} in
 * the long-polling artifact does that and adds the long-polling endpoint with {@link #serve}.
 *
 * <p>Requests under the prefix meet what the standalone server's tree ({@link BridgeHandlerTree})
 * does, from the same classes: the Host check (421), the WebSocket upgrade at {@code {prefix}/ws}
 * with its Origin check and limits, the upgrade diagnosis, the statistics, JSON 404s, and the endpoints added with {@link #serve} ({@code {prefix}/poll/*}),
 * all answered here, before the context's servlets. Other requests go straight on to the
 * application. When the server begins to stop, the sessions are closed with 4003 and their clients
 * told, before any connection closes.
 */
public final class ContextMount extends Handler.Wrapper {
    private final Bridge bridge;
    private final String prefix;
    private final AddressSet trustedProxies;
    private final BridgePaths paths;

    ContextMount(Server server, ContextHandler context, BridgeMount.Builder b) {
        this.bridge = b.bridge;
        this.prefix = b.prefix;
        this.trustedProxies = b.trustedProxies;
        OriginPolicy origins = new OriginPolicy(bridge.config().allowedOrigins());
        this.paths = new BridgePaths(prefix, new DamagedUpgradeHandler(bridge, origins),
                b.stats ? new StatsHandler(bridge, b.statsToken) : null);
        WebSocketUpgradeHandler ws = BridgeHandlerTree.webSocket(WebSocketServerComponents.ensureWebSocketComponents(server, context), bridge, origins, prefix + "/ws");
        ws.setHandler(paths);
        setHandler(new HostCheckHandler(HostPolicy.of("127.0.0.1", b.allowedHosts), ws));
        Duration drain = b.drain;
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                bridge.shutdown(drain); // the connections are still open: the clients hear 4003
            }
        });
    }

    /**
     * Answers {@code {prefix}{path}} and every path below it with {@code endpoint} (a Jetty core
     * handler, e.g. long-polling at {@code /poll}), ahead of the context's servlets. Before the
     * server starts.
     */
    public void serve(String path, Handler endpoint) {
        paths.serve(path, endpoint);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (paths.isBridgePath(Request.getPathInContext(request))) return super.handle(request, response, callback);
        Handler application = paths.getHandler(); // the context's own chain, after this one
        return application != null && application.handle(request, response, callback);
    }

    /** As {@link BridgeMount#configure(HttpConfiguration)}: trusted proxies, no per-connection header cache. */
    public void configure(HttpConfiguration http) {
        BridgeMount.configure(http, trustedProxies);
    }

    /** The idle timeout a connector that carries the bridge needs: above the poll hold time. */
    public Duration idleTimeout() {
        return BridgeMount.idleTimeout(bridge);
    }

    public Bridge bridge() {
        return bridge;
    }

    /** The prefix within the context, e.g. {@code /rt}. */
    public String prefix() {
        return prefix;
    }

    /**
     * The end of the bridge's chain: the upgrade diagnosis at {@code {prefix}/ws}, the statistics,
     * the served endpoints, a JSON 404 for the rest. Its own handler is the context's chain (the
     * application's), where {@link #handle} sends what is not the bridge's.
     */
    private static final class BridgePaths extends Handler.Wrapper {
        private final String prefix;
        private final Map<String, Handler> endpoints = new LinkedHashMap<>(); // full path in context -> handler
        private final Handler damaged;
        private final Handler stats;

        BridgePaths(String prefix, Handler damaged, Handler stats) {
            this.prefix = prefix;
            this.damaged = damaged;
            this.stats = stats;
            addBean(damaged);
            if (stats != null) addBean(stats);
        }

        void serve(String path, Handler endpoint) {
            endpoints.put(prefix + path, endpoint);
            addBean(endpoint);
            if (getServer() != null) endpoint.setServer(getServer());
        }

        @Override
        public void setServer(Server server) {
            super.setServer(server);
            damaged.setServer(server);
            if (stats != null) stats.setServer(server);
            for (Handler endpoint : endpoints.values()) endpoint.setServer(server);
        }

        boolean isBridgePath(String path) {
            return under(path, prefix);
        }

        private static boolean under(String path, String base) {
            return path != null && (path.equals(base) || path.startsWith(base + "/"));
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            if (path.equals(prefix + "/ws")) return damaged.handle(request, response, callback);
            if (stats != null && path.equals(prefix + "/stats")) return stats.handle(request, response, callback);
            for (Map.Entry<String, Handler> e : endpoints.entrySet()) {
                if (under(path, e.getKey())) return e.getValue().handle(request, response, callback);
            }
            JsonErrorHandler.write(response, callback, new BridgeException(ErrorCode.NOT_FOUND, "no such endpoint"));
            return true;
        }
    }
}
