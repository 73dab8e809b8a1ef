package io.cometbridge.bayeux;

import io.cometbridge.server.BridgeModule;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * Mounts the Bayeux 1.0 endpoint at {@code {prefix}/cometd} (docs/PROTOCOL.md section 11): unmodified
 * CometD clients, long-polling and WebSocket, become bridge sessions beside native ones, in the
 * same rooms. {@code new BayeuxModule(BayeuxOptions.defaults().withPolicy(...))} to configure it.
 */
public final class BayeuxModule implements BridgeModule {
    private final BayeuxOptions options;

    public BayeuxModule() {
        this(BayeuxOptions.defaults());
    }

    public BayeuxModule(BayeuxOptions options) {
        this.options = options;
    }

    @Override
    public ContextHandler createContext(ModuleContext ctx) {
        ServletContextHandler context = new ServletContextHandler(ctx.prefix() + options.path());
        context.setAllowNullPathInContext(true); // the clients' URL is the path itself, no trailing slash
        BayeuxEngine engine = new BayeuxEngine(ctx.bridge(), options);
        ServletHolder holder = new ServletHolder("bayeux", new BayeuxServlet(engine));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        JettyWebSocketServletContainerInitializer.configure(context, null);
        // Everything but the WebSocket upgrade is answered ahead of the servlet layer.
        context.insertHandler(new BayeuxHandler(engine, ctx.origins()));
        return context;
    }
}
