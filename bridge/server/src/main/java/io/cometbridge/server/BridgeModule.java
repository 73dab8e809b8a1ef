package io.cometbridge.server;

import io.cometbridge.session.Bridge;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * A piece that plugs into the bridge's HTTP server under its prefix: the long-polling transport,
 * the browser client's files, demo pages. The bridge module itself knows none of them.
 */
public interface BridgeModule {

    /** A context for this module; mount it under {@code ctx.prefix()} or below. */
    ContextHandler createContext(ModuleContext ctx);

    /** What a module gets from the server. */
    record ModuleContext(Bridge bridge, String prefix, OriginPolicy origins) {
    }
}
