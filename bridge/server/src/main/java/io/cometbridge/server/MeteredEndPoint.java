package io.cometbridge.server;

import io.cometbridge.session.TransportTotals;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.WebSocketConnection;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A socket endpoint that reports every byte it reads and writes to its {@link WireMeter}, and
 * that can have its WebSocket's reads run on the selector thread ({@link SelectorReads}).
 */
final class MeteredEndPoint extends SocketChannelEndPoint {
    private final WireMeter meter;
    private volatile SocketAddress clientAddress; // a trusted proxy's client, once this socket is a WebSocket
    private volatile boolean webSocketReadsOnSelector;
    private OnSelector lastOnSelector; // reused while the selector's task is the same one: onSelected runs on the selector only

    MeteredEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                    TransportTotals totals) {
        super(channel, selector, key, scheduler);
        this.meter = new WireMeter(totals);
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
        MeteredEndPoint metered = of(upgrade);
        if (metered != null && !client.equals(metered.getRemoteSocketAddress())) metered.clientAddress = client;
    }

    /** The socket a request arrived on, below any TLS or other wrapping; null on another connector's. */
    static MeteredEndPoint of(Request request) {
        Connection connection = request.getConnectionMetaData().getConnection();
        EndPoint endPoint = connection == null ? null : connection.getEndPoint();
        while (endPoint != null) {
            if (endPoint instanceof MeteredEndPoint metered) return metered;
            endPoint = endPoint instanceof EndPoint.Wrapper w ? w.unwrap() : null;
        }
        return null;
    }

    /** Once this socket is a plain WebSocket, its reads run on the selector ({@link SelectorReads}). */
    void webSocketReadsOnSelector() {
        webSocketReadsOnSelector = true;
    }

    boolean runsWebSocketReadsOnSelector() {
        return webSocketReadsOnSelector && getConnection() instanceof WebSocketConnection;
    }

    /**
     * Jetty's WebSocket connection declares its reads blocking, so the selector would hand each
     * readable socket to another thread; for a WebSocket whose frame handler never blocks, the
     * task says it does not, and the selector runs it itself.
     */
    @Override
    public Runnable onSelected() {
        Runnable task = super.onSelected();
        if (task == null || !runsWebSocketReadsOnSelector()) return task;
        // One of the endpoint's few fixed tasks (read, write, both): wrap it once, not per message.
        if (lastOnSelector == null || lastOnSelector.task() != task) lastOnSelector = new OnSelector(task);
        return lastOnSelector;
    }

    /** The selector's task for this socket, declared non-blocking; still closed with the selector. */
    record OnSelector(Runnable task) implements Invocable.Task, Closeable {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        @Override
        public void close() throws IOException {
            if (task instanceof Closeable c) c.close();
        }
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        SocketAddress client = clientAddress;
        return client != null ? client : super.getRemoteSocketAddress();
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
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
