package io.cometbridge.samples;

import io.cometbridge.server.BridgeServer;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** A started demo server: its addresses, and a graceful {@link #close()}. */
public final class RunningServer implements AutoCloseable {
    private final BridgeServer server;
    private final AutoCloseable app; // the demo apps, or the gateway
    private final String mode;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    RunningServer(BridgeServer server, AutoCloseable app, String mode) {
        this.server = server;
        this.app = app;
        this.mode = mode;
    }

    /** The demo pages, e.g. {@code http://127.0.0.1:8080/}. */
    public URI demoUri() {
        return server.uri().resolve("/");
    }

    /** The bridge, e.g. {@code http://127.0.0.1:8080/bridge}: what clients connect to. */
    public URI bridgeUri() {
        return server.uri();
    }

    public int port() {
        return server.port();
    }

    public BridgeServer server() {
        return server;
    }

    /** The one line printed on start; scripts and tests parse it. */
    public String startLine() {
        URI tls = server.tlsUri();
        String line = "Comet Bridge listening on " + demoUri() + " (" + mode + ") \u2014 bridge at " + bridgeUri();
        return tls == null || tls.equals(bridgeUri()) ? line : line + " \u2014 tls at " + tls;
    }

    /**
     * Graceful stop: every session is closed with 4003 "server shutdown" and its client told
     * (waiting up to --drain for the close frames), Jetty stops, then the demo apps or the gateway. Idempotent.
     */
    @Override
    public void close() throws Exception {
        if (!closed.compareAndSet(false, true)) return;
        try {
            server.close();
        } finally {
            app.close();
            stopped.countDown();
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        stopped.await();
    }
}
