package io.cometbridge.polling;

import io.cometbridge.server.BridgeMount;
import io.cometbridge.server.ContextMount;
import io.cometbridge.server.OriginPolicy;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;

/**
 * The bridge inside an application's ee10 servlet context, in the context's own path space: with
 * the context at {@code /app} and the prefix {@code /rt}, the clients use {@code /app/rt}. Call
 * {@link #addTo} before the server starts:
 *
 * <pre>{@code
 * ServletContextHandler app = new ServletContextHandler("/app");
 * ContextMount mount = BridgeServlets.addTo(server, app, BridgeMount.builder(bridge).prefix("/rt"));
 * }</pre>
 *
 * It inserts the bridge's handlers ({@link ContextMount}: Host check, WebSocket at
 * {@code {prefix}/ws} with its Origin check and limits, long-polling at {@code {prefix}/poll/*},
 * upgrade diagnosis, statistics, JSON 404s) into the context ahead of its sessions, security and
 * servlets: the bridge's requests are answered by Jetty core handlers, before any servlet. Configure the connector with {@link ContextMount#configure} and
 * {@link ContextMount#idleTimeout()}, as for {@link BridgeMount}.
 */
public final class BridgeServlets {
    private BridgeServlets() {
    }

    /** Mounts the bridge that {@code settings} describes (no modules) into {@code context} of {@code server}. */
    public static ContextMount addTo(Server server, ServletContextHandler context, BridgeMount.Builder settings) {
        ContextMount mount = settings.buildIn(server, context);
        OriginPolicy origins = new OriginPolicy(mount.bridge().config().allowedOrigins());
        mount.serve("/poll", new PollingHandler(mount.bridge(), origins, mount.prefix() + "/poll"));
        context.insertHandler(mount);
        return mount;
    }
}
