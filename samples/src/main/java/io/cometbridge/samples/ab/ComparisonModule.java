package io.cometbridge.samples.ab;

import com.google.gson.Gson;
import io.cometbridge.server.BearerToken;
import io.cometbridge.server.BridgeModule;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code {prefix}/ab/compare}, for the A/B page: {@code POST} starts an on-demand comparison
 * ({@link ComparisonPlan} from the query: {@code ?sessions=10&messages=50&runs=3&payload=64}) and
 * answers {@code 202} with its state; {@code GET} answers the latest comparison's state, progress
 * and figures ({@code 404 not_found} before the first). One at a time: a start while one runs gets
 * {@code 409 comparison_running}; a plan out of bounds {@code 400 malformed}. Same token as
 * {@code /stats}. Mounted with {@code --stats}.
 */
public final class ComparisonModule implements BridgeModule {
    private final BearerToken token;
    private final AtomicReference<Comparison> latest = new AtomicReference<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ab-comparison");
        t.setDaemon(true);
        return t;
    });

    /** @param token the bearer token requests must present (the statistics token), or null for none */
    public ComparisonModule(String token) {
        this.token = new BearerToken(token, "stats", "comparisons");
    }

    @Override
    public ContextHandler createContext(ModuleContext ctx) {
        ContextHandler context = new ContextHandler(new Endpoint(), ctx.prefix() + "/ab/compare");
        context.setAllowNullPathInContext(true);
        return context;
    }

    /** Starts a comparison unless one runs; returns it, or null when one was running. */
    Comparison startComparison(ComparisonPlan plan) {
        Comparison next = new Comparison(plan);
        Comparison current = latest.get();
        if (current != null && current.running()) return null;
        if (!latest.compareAndSet(current, next)) return null; // another start won the race
        runner.execute(next);
        return next;
    }

    private final class Endpoint extends Handler.Abstract.NonBlocking {
        /** The server stops: a comparison still running is interrupted (its clients and its loopback bridge are closed). */
        @Override
        protected void doStop() throws Exception {
            runner.shutdownNow();
            super.doStop();
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!token.admit(request, response, callback)) return true;
            String method = request.getMethod();
            if (HttpMethod.GET.is(method)) {
                Comparison c = latest.get();
                if (c == null) write(response, callback, 404, error("not_found", "no comparison has run yet: POST to start one"));
                else write(response, callback, 200, c.json());
            } else if (HttpMethod.POST.is(method)) {
                Fields query = Request.extractQueryParameters(request);
                ComparisonPlan plan;
                try {
                    plan = ComparisonPlan.of(query::getValue);
                } catch (IllegalArgumentException e) {
                    write(response, callback, 400, error("malformed", e.getMessage()));
                    return true;
                }
                Comparison started = startComparison(plan);
                if (started == null) write(response, callback, 409, error("comparison_running", "a comparison is running: wait for it to finish"));
                else write(response, callback, 202, started.json());
            } else {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, POST");
                write(response, callback, 405, error("method_not_allowed", "use GET or POST"));
            }
            return true;
        }
    }

    private static String error(String code, String message) {
        return "{\"error\":\"" + code + "\",\"message\":" + new Gson().toJson(message) + "}";
    }

    private static void write(Response response, Callback callback, int status, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
