package io.cometbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay for tests: forwards bytes to a target port, counts them, and can cut every
 * connection and refuse new ones (a network outage) until {@link #restore()}.
 */
public final class TcpRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger relayed = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean down;
    private volatile long dieAfterMillis = -1; // >= 0: every new connection is cut this long after it opened
    private volatile boolean closed;

    public TcpRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::acceptLoop, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Bytes client → server and server → client since start. */
    public long bytesUp() {
        return bytesUp.get();
    }

    public long bytesDown() {
        return bytesDown.get();
    }

    /** Connections relayed (not refused) since start. */
    public int connectionsRelayed() {
        return relayed.get();
    }

    /** Cuts every connection (no close frames, no FIN handshakes beyond the socket close) and refuses new ones. */
    public void cut() {
        down = true;
        for (Socket s : sockets) closeQuietly(s);
        sockets.clear();
    }

    public void restore() {
        down = false;
    }

    /**
     * From now on every new connection is relayed for {@code millis} and then cut (a middlebox that
     * lets a WebSocket open and breaks it soon after); negative: relayed for as long as it lasts.
     */
    public void dieAfter(long millis) {
        dieAfterMillis = millis;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (down) {
                    closeQuietly(client);
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                relayed.incrementAndGet();
                pump(client, server, bytesUp);
                pump(server, client, bytesDown);
                long dieAfter = dieAfterMillis;
                if (dieAfter >= 0) {
                    Thread killer = new Thread(() -> {
                        try {
                            Thread.sleep(dieAfter);
                        } catch (InterruptedException e) {
                            return;
                        }
                        closeQuietly(client);
                        closeQuietly(server);
                    }, "relay-die-after");
                    killer.setDaemon(true);
                    killer.start();
                }
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    counter.addAndGet(n);
                    out.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // cut or closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cut();
        listener.close();
    }
}
