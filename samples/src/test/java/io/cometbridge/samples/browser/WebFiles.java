package io.cometbridge.samples.browser;

import io.cometbridge.server.BridgeModule;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Test-only static files: a classpath folder served under a context path. The browser tests use
 * it for the demo page (classpath {@code web/} at {@code /}) and the client (classpath
 * {@code io/cometbridge/client-js/} at {@code {prefix}}), standing in for the server's own static
 * module until that lands.
 */
final class WebFiles implements BridgeModule {
    private final String contextPath;
    private final String classpathFolder;
    private final boolean underPrefix;

    private WebFiles(String contextPath, String classpathFolder, boolean underPrefix) {
        this.contextPath = contextPath;
        this.classpathFolder = classpathFolder;
        this.underPrefix = underPrefix;
    }

    /** The demo pages at the root. */
    static WebFiles demoPages() {
        return new WebFiles("/", "web/", false);
    }

    /** client.js and client.d.ts at {prefix}/. */
    static WebFiles client() {
        return new WebFiles(null, "io/cometbridge/client-js/", true);
    }

    @Override
    public ContextHandler createContext(ModuleContext ctx) {
        ResourceHandler files = new ResourceHandler();
        files.setDirAllowed(false);
        files.setWelcomeFiles("index.html");
        files.setCacheControl("no-store");
        ContextHandler context = new ContextHandler(files, underPrefix ? ctx.prefix() : contextPath);
        Resource base = ResourceFactory.of(context).newClassLoaderResource(classpathFolder);
        if (base == null) throw new IllegalStateException("not on the classpath: " + classpathFolder);
        files.setBaseResource(base);
        return context;
    }
}
