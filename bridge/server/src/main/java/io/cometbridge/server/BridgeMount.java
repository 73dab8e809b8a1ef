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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge as a handler for an application's own Jetty 12 server: it serves {@code {prefix}} and
 * everything below it, and declines every other request (returns false), so it goes first in a
 * {@link Handler.Sequence} before the application's handlers ({@link #wrap} builds that).
 *
 * <p>Under the prefix it is the standalone server's handler tree ({@link BridgeHandlerTree}): the
 * Host check (here by default only IP addresses and {@code localhost}: name the public host names
 * with {@link Builder#allowedHosts}), the Origin policy, the WebSocket limits and upgrade
 * diagnosis, the modules (long-polling, files), the statistics, and JSON 404s for unknown paths.
 * What belongs to the server's connectors, the embedding server's own, is set with
 * {@link #configure(HttpConfiguration)} (trusted proxies, no per-connection header cache) and
 * {@link #idleTimeout()}.
 *
 * <p>When the server begins to stop, the sessions are closed with 4003 and their clients told
 * (waiting up to the drain time for the close frames), before Jetty closes any connection.
 */
public final class BridgeMount extends Handler.Wrapper {
    private final Bridge bridge;
    private final String prefix;
    private final Duration drain;
    private final AddressSet trustedProxies;

    private BridgeMount(Server server, Builder b) {
        this.bridge = b.bridge;
        this.prefix = b.prefix;
        this.drain = b.drain;
        this.trustedProxies = b.trustedProxies;
        setHandler(BridgeHandlerTree.build(server, bridge, new BridgeHandlerTree.Settings(prefix, List.copyOf(b.modules),
                b.stats, b.statsToken, HostPolicy.of("127.0.0.1", b.allowedHosts))));
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                serverStopping();
            }
        });
    }

    public static Builder builder(Bridge bridge) {
        return new Builder(bridge);
    }

    /** This mount first, then the application's handler for everything else. */
    public Handler.Sequence wrap(Handler application) {
        return new Handler.Sequence(this, application);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.equals(prefix) && !path.startsWith(prefix + "/")) return false; // the application's
        if (super.handle(request, response, callback)) return true;
        JsonErrorHandler.write(response, callback, new BridgeException(ErrorCode.NOT_FOUND, "no such endpoint"));
        return true;
    }

    /**
     * Settings of a connector that carries the bridge: forwarded headers believed only from the
     * trusted proxies, and no per-connection header cache (long-polling keeps connections open per
     * session; the cache costs 50-100 KB each).
     */
    public void configure(HttpConfiguration http) {
        configure(http, trustedProxies);
    }

    static void configure(HttpConfiguration http, AddressSet trustedProxies) {
        http.setHeaderCacheSize(0);
        http.addCustomizer(new TrustedProxyCustomizer(trustedProxies));
    }

    /** The idle timeout a connector that carries the bridge needs: above the poll hold time. */
    public Duration idleTimeout() {
        return idleTimeout(bridge);
    }

    static Duration idleTimeout(Bridge bridge) {
        return bridge.config().pollTimeout().plus(Duration.ofSeconds(30));
    }

    public Bridge bridge() {
        return bridge;
    }

    /** Closes every session (4003, the clients told) before the server closes anything: its connections are still open. */
    private void serverStopping() {
        bridge.shutdown(drain);
    }

    public static final class Builder {
        final Bridge bridge;
        String prefix = "/bridge";
        Duration drain = Duration.ofSeconds(2);
        private final List<BridgeModule> modules = new ArrayList<>();
        boolean stats;
        String statsToken;
        List<String> allowedHosts = List.of();
        AddressSet trustedProxies = new AddressSet(List.of());

        private Builder(Bridge bridge) {
            this.bridge = bridge;
        }

        public Builder prefix(String prefix) {
            if (!prefix.startsWith("/") || prefix.endsWith("/")) throw new IllegalArgumentException("prefix must look like /bridge");
            this.prefix = prefix;
            return this;
        }

        /** A module under the prefix (long-polling, the Bayeux endpoint, the browser client's files). */
        public Builder module(BridgeModule m) { modules.add(m); return this; }
        /** Serve {@code {prefix}/stats} (default off), optionally behind a bearer token. */
        public Builder stats(boolean enabled, String token) { this.stats = enabled; this.statsToken = token; return this; }
        /** Host names served besides IP addresses and localhost ({@code *}: any). Default none. */
        public Builder allowedHosts(List<String> hosts) {
            HostPolicy.of("127.0.0.1", hosts); // refuse bad entries now, naming them
            this.allowedHosts = List.copyOf(hosts);
            return this;
        }
        /** Reverse proxies whose forwarded headers are believed (see {@link #configure(HttpConfiguration)}). */
        public Builder trustedProxies(List<String> proxies) { this.trustedProxies = new AddressSet(proxies); return this; }
        /** How long a graceful stop waits for the close frames (4003) to reach the clients. */
        public Builder drain(Duration d) { this.drain = d; return this; }

        /** The mount for {@code server} (its WebSocket container lives in that server). */
        public BridgeMount build(Server server) {
            return new BridgeMount(server, this);
        }

        /**
         * The bridge for insertion into {@code context} of {@code server}, its prefix relative to the
         * context's path; endpoints below the prefix are added with {@link ContextMount#serve}.
         * Modules belong to {@link #build}: this refuses them.
         */
        public ContextMount buildIn(Server server, ContextHandler context) {
            if (!modules.isEmpty()) {
                throw new IllegalStateException("modules are contexts of their own: mount them with build(server) at the server's root");
            }
            return new ContextMount(server, context, this);
        }
    }
}
