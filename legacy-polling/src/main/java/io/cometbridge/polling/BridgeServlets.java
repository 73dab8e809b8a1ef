package io.cometbridge.polling;

import io.cometbridge.server.BridgeMount;
import io.cometbridge.server.ContextMount;
import io.cometbridge.server.OriginPolicy;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

import java.util.List;

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
 * It registers the long-polling servlet at {@code {prefix}/poll/*} and inserts the bridge's
 * handlers ({@link ContextMount}: Host check, WebSocket at {@code {prefix}/ws} with its Origin check
 * and limits, upgrade diagnosis, statistics, JSON 404s) into the context ahead of its sessions,
 * security and servlets. Configure the connector with {@link ContextMount#configure} and
 * {@link ContextMount#idleTimeout()}, as for {@link BridgeMount}.
 */
public final class BridgeServlets {
    private BridgeServlets() {
    }

    /** Mounts the bridge that {@code settings} describes (no modules) into {@code context} of {@code server}. */
    public static ContextMount addTo(Server server, ServletContextHandler context, BridgeMount.Builder settings) {
        ContextMount mount = settings.buildIn(server, context, List.of("/poll"));
        PollingServlet polling = new PollingServlet(mount.bridge(), new OriginPolicy(mount.bridge().config().allowedOrigins()));
        ServletHolder holder = new ServletHolder("comet-bridge-polling", polling);
        holder.setAsyncSupported(true); // held polls are suspended, no thread waits
        context.addServlet(holder, mount.prefix() + "/poll/*");
        context.insertHandler(mount);
        return mount;
    }
}
