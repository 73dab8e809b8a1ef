package io.cometbridge.server;

import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import io.cometbridge.api.AttachRequest;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

import java.time.Duration;
import java.util.List;

/**
 * The bridge's handlers, one tree for the standalone {@link BridgeServer} and for a
 * {@link BridgeMount} in someone else's Jetty, so both carry the same protections: the Host check
 * first (421), then the WebSocket upgrade at {@code {prefix}/ws} with its Origin check and frame
 * limits, the modules' contexts (long-polling, files), the upgrade diagnosis for requests to
 * {@code {prefix}/ws} that did not upgrade, and the statistics when enabled.
 *
 * <p>The tree never blocks, so Jetty handles each request on the selector thread that read it,
 * without a hand-off to another thread: a module whose context may block runs on a pool thread
 * instead ({@link PoolDispatch}).
 */
final class BridgeHandlerTree {
    private BridgeHandlerTree() {
    }

    record Settings(String prefix, List<BridgeModule> modules, boolean stats, String statsToken, HostPolicy hosts) {
    }

    static Handler build(Server server, Bridge bridge, Settings s) {
        OriginPolicy origins = new OriginPolicy(bridge.config().allowedOrigins());
        ContextHandlerCollection contexts = new ContextHandlerCollection(false); // fixed once built: a dynamic one counts as blocking
        BridgeModule.ModuleContext moduleContext = new BridgeModule.ModuleContext(bridge, s.prefix(), origins);
        for (BridgeModule m : s.modules()) contexts.addHandler(PoolDispatch.ifBlocking(m.createContext(moduleContext)));
        // {prefix}/ws requests that did not upgrade end here: tell the client why (PROTOCOL.md 3.1).
        ContextHandler damaged = new ContextHandler(new DamagedUpgradeHandler(bridge, origins), s.prefix() + "/ws");
        damaged.setAllowNullPathInContext(true);
        contexts.addHandler(damaged);
        if (s.stats()) {
            ContextHandler stats = new ContextHandler(s.prefix() + "/stats");
            stats.setAllowNullPathInContext(true);
            stats.setHandler(new StatsHandler(bridge, s.statsToken()));
            contexts.addHandler(stats);
        }

        WebSocketUpgradeHandler ws = webSocket(WebSocketServerComponents.ensureWebSocketComponents(server), bridge, origins, s.prefix() + "/ws");
        ws.setHandler(contexts);
        return new HostCheckHandler(s.hosts(), ws); // before anything else, the upgrade included
    }

    /**
     * The WebSocket endpoint at {@code path} (a path in the handler's context), on Jetty's WebSocket
     * core with {@code components}: its idle timeout and message limits, and the Origin check
     * before any upgrade. The endpoint keeps nothing of the upgrade's HTTP exchange: the headers it
     * needs are copied here.
     */
    /**
     * A backstop only (the heartbeat ends a silent session first): 10 s past the heartbeat timeout,
     * and never below the idle timeout of the connector that carries the bridge
     * ({@link BridgeMount#idleTimeout}). Jetty keeps a socket's idle timer when the upgrade's
     * timeout is no shorter; a shorter one made it cancel and schedule that timer again, on its one
     * scheduler queue, at every upgrade.
     */
    static Duration webSocketIdleTimeout(Bridge bridge) {
        Duration past = bridge.config().heartbeatTimeout().plus(Duration.ofSeconds(10));
        Duration connector = BridgeMount.idleTimeout(bridge);
        return past.compareTo(connector) >= 0 ? past : connector;
    }

    static WebSocketUpgradeHandler webSocket(WebSocketComponents components, Bridge bridge, OriginPolicy origins, String path) {
        BridgeConfig config = bridge.config();
        // JSON escaping can grow text up to 6x; the exact per-message limit is checked by the session.
        long maxText = 6L * config.maxMessageBytes() + 64;
        long maxBinary = config.maxMessageBytes() + 9L;
        return new WebSocketUpgradeHandler(components, upgrade -> {
            Configuration c = upgrade.getConfiguration();
            c.setIdleTimeout(webSocketIdleTimeout(bridge));
            c.setMaxTextMessageSize(maxText);
            c.setMaxBinaryMessageSize(maxBinary);
            upgrade.addMapping(path, (request, response, callback) -> {
                BridgeException refused = origins.check(OriginPolicy.originHeader(request.getHeaders()), BridgeServer.selfOrigin(request),
                        request.getAttribute(OriginPolicy.UNTRUSTED_FORWARDER));
                if (refused != null) {
                    JsonErrorHandler.write(response, callback, refused);
                    return null;
                }
                MeteredEndPoint.pinClientAddress(request);
                SelectorReads.forWebSocket(request); // WebSocketTransport never blocks
                WireMeter meter = WireMeter.of(request);
                meter.upgrade(); // the handshake and every frame belong to the session this socket attaches
                return new WebSocketTransport(bridge, new IncomingMessage(maxText, maxBinary), meter,
                        AttachRequest.of(bridge.attachHeaders(), request.getHeaders()::getValuesList),
                        bridge.authenticates() ? RequestCredentials.of(request, TransportKind.WEBSOCKET) : null);
            });
        });
    }
}
