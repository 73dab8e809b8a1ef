package io.cometbridge.polling;

import io.cometbridge.server.BridgeModule;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.handler.ContextHandler;

/** Mounts the long-polling transport at {@code {prefix}/poll/*}. */
public final class LongPollingModule implements BridgeModule {

    @Override
    public ContextHandler createContext(ModuleContext ctx) {
        ServletContextHandler context = new ServletContextHandler(ctx.prefix() + "/poll");
        // {prefix}/poll itself is answered by the servlet (a documented 404), not redirected to {prefix}/poll/.
        context.setAllowNullPathInContext(true);
        ServletHolder holder = new ServletHolder("long-polling", new PollingServlet(ctx.bridge(), ctx.origins()));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        return context;
    }
}
