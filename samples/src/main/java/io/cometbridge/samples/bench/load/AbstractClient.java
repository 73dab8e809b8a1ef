package io.cometbridge.samples.bench.load;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** What every adapter shares: its futures, its listener, and how it ends. */
abstract class AbstractClient implements BenchClient {
    final LoadGenerator load;
    final URI base;
    final Listener listener;
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    final CompletableFuture<Void> joined = new CompletableFuture<>();
    volatile boolean stopped;
    private volatile boolean lost;

    AbstractClient(LoadGenerator load, URI base, Listener listener) {
        this.load = load;
        this.base = base;
        this.listener = listener;
    }

    @Override
    public final CompletableFuture<Void> connect() {
        try {
            start();
        } catch (Exception e) {
            fail("cannot start: " + e);
        }
        return opened;
    }

    abstract void start() throws Exception;

    /** Closes the socket(s) without a goodbye: the run is over, the server is stopped next. */
    abstract void stopTransport();

    /** The session ended or broke: counted as lost unless the benchmark closed it first. */
    final void fail(String reason) {
        if (stopped) return;
        stopped = true;
        lost = true;
        IOException e = new IOException(getClass().getSimpleName() + ": " + reason);
        load.noteFailure(e.getMessage());
        opened.completeExceptionally(e);
        joined.completeExceptionally(e);
        listener.onClosed(this, reason);
        stopTransport();
    }

    @Override
    public final boolean lost() {
        return lost;
    }

    @Override
    public final boolean connected() {
        return opened.isDone() && !opened.isCompletedExceptionally();
    }

    @Override
    public final void close() {
        stopped = true;
        stopTransport();
    }
}
