package io.cometbridge.metrics;

import io.cometbridge.server.BearerToken;
import io.cometbridge.server.BridgeModule;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET {prefix}/metrics}: the bridge's meters ({@link BridgeMetrics}) and whatever else the
 * registry holds, in the Prometheus text format. Like {@code /stats}, not mounted unless the server
 * adds this module, and with a token a request without {@code Authorization: Bearer <token>} gets
 * {@code 401 unauthorized}. An application with its own registry passes it in and its meters
 * appear here too.
 */
public final class PrometheusModule implements BridgeModule {
    private final PrometheusMeterRegistry registry;
    private final String token;

    /** A fresh registry; no token. */
    public PrometheusModule() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null);
    }

    /** @param token the bearer token scrapes must present, or null for none */
    public PrometheusModule(PrometheusMeterRegistry registry, String token) {
        this.registry = registry;
        this.token = token;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public ContextHandler createContext(ModuleContext ctx) {
        BridgeMetrics metrics = new BridgeMetrics(ctx.bridge());
        metrics.bindTo(registry);
        ContextHandler context = new ContextHandler(new Scrape(registry, metrics, new BearerToken(token, "metrics", "metrics")),
                ctx.prefix() + "/metrics");
        context.setAllowNullPathInContext(true);
        return context;
    }

    private static final class Scrape extends Handler.Abstract.NonBlocking {
        private final PrometheusMeterRegistry registry;
        private final BridgeMetrics metrics;
        private final BearerToken token;

        Scrape(PrometheusMeterRegistry registry, BridgeMetrics metrics, BearerToken token) {
            this.registry = registry;
            this.metrics = metrics;
            this.token = token;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!token.admit(request, response, callback)) return true;
            String method = request.getMethod();
            boolean head = HttpMethod.HEAD.is(method);
            if (!HttpMethod.GET.is(method) && !head) {
                response.setStatus(405);
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
                response.write(true, ByteBuffer.wrap("{\"error\":\"method_not_allowed\",\"message\":\"use GET\"}"
                        .getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
            metrics.refresh();
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
