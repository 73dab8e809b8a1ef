package io.cometbridge.samples.browser;

import io.cometbridge.server.BridgeModule;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A module wrapper for tests: the wrapped module's context, with a count of its HTTP requests in
 * flight (received, not yet answered) and the most there ever were at once. Around the long-polling
 * module it tells how many connections the browser holds open to poll.
 */
final class InFlightRequests implements BridgeModule {
    private final BridgeModule inner;
    private final AtomicInteger now = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    InFlightRequests(BridgeModule inner) {
        this.inner = inner;
    }

    @Override
    public ContextHandler createContext(ModuleContext ctx) {
        ContextHandler context = inner.createContext(ctx);
        context.insertHandler(new Handler.Wrapper() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                peak.accumulateAndGet(now.incrementAndGet(), Math::max);
                Callback counted = new Callback() {
                    @Override
                    public void succeeded() {
                        now.decrementAndGet();
                        callback.succeeded();
                    }

                    @Override
                    public void failed(Throwable x) {
                        now.decrementAndGet();
                        callback.failed(x);
                    }

                    @Override
                    public InvocationType getInvocationType() {
                        return callback.getInvocationType();
                    }
                };
                boolean handled;
                try {
                    handled = super.handle(request, response, counted);
                } catch (Exception | Error e) {
                    now.decrementAndGet();
                    throw e;
                }
                if (!handled) now.decrementAndGet();
                return handled;
            }
        });
        return context;
    }

    /** Requests received and not yet answered. */
    int now() {
        return now.get();
    }

    /** The most requests there were in flight at once since the last {@link #resetPeak()}. */
    int peak() {
        return peak.get();
    }

    void resetPeak() {
        peak.set(now.get());
    }
}
