package io.cometbridge.server;

import io.cometbridge.session.Bridge;
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
 * {@code GET {prefix}/healthz} and {@code {prefix}/readyz} for load balancers and orchestrators
 * (docs/PROTOCOL.md section 10.2). Healthz: 200 while the process serves HTTP at all. Readyz: 200 while the
 * bridge takes new sessions, 503 {@code draining} once shutdown has begun, so a balancer stops
 * sending clients before they would be closed with 4003. Open (no token): they say nothing but up
 * or down. {@code Cache-Control: no-store}.
 */
public final class HealthModule implements BridgeModule {

    /** One context at {@code {prefix}}: other paths under it fall through to the next context that matches. */
    @Override
    public ContextHandler createContext(ModuleContext ctx) {
        ContextHandler context = new ContextHandler(new Probes(ctx.bridge()), ctx.prefix());
        context.setAllowNullPathInContext(true); // "/bridge" itself falls through too (no redirect from here)
        return context;
    }

    private static final class Probes extends Handler.Abstract.NonBlocking {
        private final Bridge bridge;

        Probes(Bridge bridge) {
            this.bridge = bridge;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            boolean ready;
            if ("/healthz".equals(path)) ready = true;
            else if ("/readyz".equals(path)) ready = bridge.isAccepting();
            else return false;
            String method = request.getMethod();
            if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
                response.setStatus(405);
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                return answer(response, callback, method, "{\"error\":\"method_not_allowed\",\"message\":\"use GET\"}");
            }
            response.setStatus(ready ? 200 : 503);
            return answer(response, callback, method, ready ? "{\"status\":\"up\"}" : "{\"status\":\"draining\"}");
        }

        private static boolean answer(Response response, Callback callback, String method, String json) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, HttpMethod.HEAD.is(method) ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
