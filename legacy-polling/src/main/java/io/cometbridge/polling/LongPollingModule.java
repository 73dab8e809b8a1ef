package io.cometbridge.polling;

import io.cometbridge.server.BridgeModule;
import org.eclipse.jetty.server.handler.ContextHandler;

/** Mounts the long-polling transport at {@code {prefix}/poll/*}. */
public final class LongPollingModule implements BridgeModule {

    @Override
    public ContextHandler createContext(ModuleContext ctx) {
        ContextHandler context = new ContextHandler(new PollingHandler(ctx.bridge(), ctx.origins(), ""), ctx.prefix() + "/poll");
        // {prefix}/poll itself is answered by the handler (a documented 404), not redirected to {prefix}/poll/.
        context.setAllowNullPathInContext(true);
        return context;
    }
}
