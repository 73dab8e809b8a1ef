package io.cometbridge.server;

import io.cometbridge.session.TransportTotals;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A socket endpoint that reports every byte it reads and writes to its {@link WireMeter}, and
 * that can {@link #watchClose watch} for the client closing it while a request is held.
 */
final class MeteredEndPoint extends SocketChannelEndPoint {
    private final WireMeter meter;
    private final Executor executor;
    private volatile SocketAddress clientAddress; // a trusted proxy's client, once this socket is a WebSocket
    private volatile ByteBuffer early; // bytes a close watch read that the connection has not (a pipelined request)

    MeteredEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                    Executor executor, TransportTotals totals) {
        super(channel, selector, key, scheduler);
        this.meter = new WireMeter(totals);
        this.executor = executor;
    }

    WireMeter meter() {
        return meter;
    }

    /**
     * An upgraded WebSocket reads its peer from the socket, past the request: behind a trusted
     * proxy, the socket then reports the client the proxy named in the upgrade request, so the
     * per-address session rate counts clients, not the proxy.
     */
    static void pinClientAddress(Request upgrade) {
        SocketAddress client = upgrade.getConnectionMetaData().getRemoteSocketAddress();
        Connection connection = upgrade.getConnectionMetaData().getConnection();
        EndPoint endPoint = connection == null ? null : connection.getEndPoint();
        while (endPoint != null) {
            if (endPoint instanceof MeteredEndPoint metered) {
                if (!client.equals(metered.getRemoteSocketAddress())) metered.clientAddress = client;
                return;
            }
            endPoint = endPoint instanceof EndPoint.Wrapper w ? w.unwrap() : null;
        }
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        SocketAddress client = clientAddress;
        return client != null ? client : super.getRemoteSocketAddress();
    }

    /**
     * Watches this socket while the HTTP/1.1 request on it is held with its body read: the
     * connection reads nothing then, so a client that goes away would otherwise be noticed only by
     * the idle timeout. {@code onClosed} runs when the client closed the socket (or it failed).
     * Stop the watch (the returned action) before answering: the connection reads again after
     * its answer. Bytes that arrive meanwhile (a pipelined request) are kept for the connection.
     */
    Runnable watchClose(Runnable onClosed) {
        CloseWatch watch = new CloseWatch(onClosed);
        watch.start();
        return watch::stop;
    }

    private final class CloseWatch implements Callback {
        private static final int WATCHING = 0, FIRED = 1, STOPPED = 2;
        private final AtomicInteger state = new AtomicInteger(FIRED);
        private final Runnable onClosed;

        CloseWatch(Runnable onClosed) {
            this.onClosed = onClosed;
        }

        void start() {
            if (state.compareAndSet(FIRED, WATCHING) && !tryFillInterested(this)) state.set(STOPPED);
        }

        void stop() {
            if (state.getAndSet(STOPPED) == WATCHING) getFillInterest().onFail(STOPPED_WATCH); // fails this callback, ignored
        }

        @Override
        public void succeeded() {
            if (!state.compareAndSet(WATCHING, FIRED)) return;
            ByteBuffer into = BufferUtil.allocate(4096);
            int n;
            try {
                n = fill(into);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) onClosed.run();
            else if (n == 0) start(); // woken for nothing: watch on
            else early = into; // a pipelined request: the connection reads it after the answer; the watch ends
        }

        @Override
        public void failed(Throwable x) {
            if (x != STOPPED_WATCH && state.getAndSet(STOPPED) == WATCHING) onClosed.run();
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.BLOCKING; // onClosed answers a session: run it off the selector
        }
    }

    private static final Exception STOPPED_WATCH = new Exception("close watch stopped", null, false, false) { };

    @Override
    protected void needsFillInterest() {
        // What a watch read is there already: the socket may have nothing more to signal.
        if (early != null) executor.execute(() -> getFillInterest().fillable());
        else super.needsFillInterest();
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
        ByteBuffer kept = early;
        if (kept != null) { // counted when the watch read it
            int n = BufferUtil.append(buffer, kept);
            if (!kept.hasRemaining()) early = null;
            return n;
        }
        int n = super.fill(buffer);
        if (n > 0) meter.filled(n);
        return n;
    }

    @Override
    public boolean flush(ByteBuffer... buffers) throws IOException {
        long before = 0;
        for (ByteBuffer b : buffers) if (b != null) before += b.remaining();
        boolean done;
        try {
            done = super.flush(buffers);
        } finally {
            long after = 0;
            for (ByteBuffer b : buffers) if (b != null) after += b.remaining();
            if (before > after) meter.flushed(before - after);
        }
        return done;
    }

    @Override
    public void onClose(Throwable failure) {
        super.onClose(failure);
        meter.closed();
    }
}
