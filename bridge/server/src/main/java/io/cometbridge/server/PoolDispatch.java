package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Runs a module's context that may block (servlets, file reads) on a pool thread, so that the
 * rest of the bridge's handler tree can stay non-blocking ({@link BridgeHandlerTree}).
 *
 * <p>Why it matters: Jetty runs a request on the selector thread that read it only when the whole
 * tree says it never blocks. Otherwise every readable connection is handed to another thread
 * first, and that hand-off (a wake-up, a thread taking over the selector) cost more server CPU
 * than the polling endpoints' own work: the polling echo took 138 against 48 µs per round trip
 * (docs/BENCHMARK.md, "The selector runs the polling requests"). One blocking
 * module would make the whole tree blocking, so each is wrapped here instead.
 *
 * <p>A wrapped context that declines a request (returns false) answers the documented JSON 404:
 * its answer is decided on another thread, after the tree has moved on.
 */
final class PoolDispatch extends Handler.Wrapper {

    private PoolDispatch(ContextHandler context) {
        super(context);
    }

    /** The context itself when it never blocks; else the context behind a hand-off to a pool thread. */
    static Handler ifBlocking(ContextHandler context) {
        return context.getInvocationType() == InvocationType.NON_BLOCKING ? context : new PoolDispatch(context);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING; // the caller's part is the hand-off, which never blocks
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        request.getComponents().getThreadPool().execute(() -> {
            try {
                if (!super.handle(request, response, callback)) {
                    JsonErrorHandler.write(response, callback, new BridgeException(ErrorCode.NOT_FOUND, "no such endpoint"));
                }
            } catch (Throwable failure) {
                Response.writeError(request, response, callback, failure);
            }
        });
        return true;
    }
}
