package io.cometbridge.samples.bench.load;

import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Jetty's client connector with every socket's reads and writes counted: the wire bytes of the
 * benchmark are what crosses the load generator's sockets (request and status lines, headers,
 * bodies, WebSocket handshakes and frames with their headers and masks; not TCP/IP headers), the
 * same way for every system.
 */
final class CountingConnector extends ClientConnector {
    private final WireCounter counter;

    CountingConnector(WireCounter counter) {
        this.counter = counter;
    }

    @Override
    protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
        EndPoint endPoint = new SocketChannelEndPoint((SocketChannel) channel, selector, key, getScheduler()) {
            @Override
            public int fill(ByteBuffer buffer) throws IOException {
                int n = super.fill(buffer);
                if (n > 0) counter.down.add(n);
                return n;
            }

            @Override
            public boolean flush(ByteBuffer... buffers) throws IOException {
                long before = remaining(buffers);
                boolean done = super.flush(buffers);
                counter.up.add(before - remaining(buffers));
                return done;
            }
        };
        endPoint.setIdleTimeout(getIdleTimeout().toMillis());
        return endPoint;
    }

    private static long remaining(ByteBuffer[] buffers) {
        long n = 0;
        for (ByteBuffer b : buffers) if (b != null) n += b.remaining();
        return n;
    }
}
