package io.cometbridge.server;

import io.cometbridge.session.TransportTotals;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** A socket endpoint that reports every byte it reads and writes to its {@link WireMeter}. */
final class MeteredEndPoint extends SocketChannelEndPoint {
    private final WireMeter meter;
    private volatile SocketAddress clientAddress; // a trusted proxy's client, once this socket is a WebSocket

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
