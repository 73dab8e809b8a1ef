package io.cometbridge.samples.bench.floor;

import io.cometbridge.server.BridgeModule;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A calibration instrument, not a transport: in place of the long-polling module, the least a
 * Jetty 12 core handler can do to answer the benchmark's polling echo (docs/BENCHMARK.md, "The
 * Jetty floor"). It speaks just enough of docs/PROTOCOL.md section 4 for the closed-loop echo:
 * {@code attach} answers an open frame; a {@code recv} carrying data frames is answered at once
 * with them echoed and numbered; a plain {@code recv} is held until the next one replaces it. No
 * validation, no acknowledgements, no session state beyond a counter: nothing of what the bridge
 * guarantees. Running the same load against it and against the bridge, on the same connector and
 * handler chain (BridgeServer), shows how much of a polling round trip is Jetty's own cost.
 */
public final class PollingFloorModule implements BridgeModule {

    @Override
    public ContextHandler createContext(ModuleContext ctx) {
        ContextHandler context = new ContextHandler(ctx.prefix() + "/poll");
        context.setAllowNullPathInContext(true);
        context.setHandler(new FloorHandler());
        return context;
    }

    private static final class FloorHandler extends Handler.Abstract.NonBlocking { // as the bridge's: run on the selector
        private final AtomicLong sessions = new AtomicLong();
        private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, AtomicLong> sent = new ConcurrentHashMap<>();

        private record Held(Response response, Callback callback) {
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String sid = request.getHeaders().get("X-Bridge-Session");
            Content.Source.asStringAsync(request, StandardCharsets.UTF_8).whenComplete((body, failure) -> {
                if (failure != null) {
                    Response.writeError(request, response, callback, 400);
                } else if (path.endsWith("/attach")) {
                    String id = "floor-" + sessions.incrementAndGet();
                    sent.put(id, new AtomicLong());
                    answer(response, callback, "[{\"t\":\"open\",\"sid\":\"" + id + "\",\"key\":\"k\",\"poll\":20000}]");
                } else {
                    recv(sid, body, response, callback);
                }
            });
            return true;
        }

        private void recv(String sid, String body, Response response, Callback callback) {
            AtomicLong numbers = sid == null ? null : sent.get(sid);
            if (numbers == null) {
                answer(response, callback, "[]");
                return;
            }
            String echoed = echo(body, numbers);
            Held older = echoed == null ? held.put(sid, new Held(response, callback)) : held.remove(sid);
            if (older != null) answer(older.response(), older.callback(), "[]"); // replaced by this one
            if (echoed != null) answer(response, callback, echoed);
        }

        /** The data frames of a batch ({@code [seq,"text"]}), echoed with this side's numbers; null if none. */
        private static String echo(String body, AtomicLong numbers) {
            StringBuilder out = new StringBuilder("[");
            for (int open = body.indexOf("[", 1); open > 0; ) {
                int comma = body.indexOf(',', open);
                int end = body.indexOf("\"]", comma);
                if (comma < 0 || end < 0) break;
                if (out.length() > 1) out.append(',');
                out.append('[').append(numbers.incrementAndGet()).append(',').append(body, comma + 1, end + 1).append(']');
                open = body.indexOf("[", end);
            }
            return out.length() == 1 ? null : out.append(']').toString();
        }

        private static void answer(Response response, Callback callback, String json) {
            response.getHeaders().put("Content-Type", "application/json");
            response.getHeaders().put("Cache-Control", "no-store");
            response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
        }
    }
}
