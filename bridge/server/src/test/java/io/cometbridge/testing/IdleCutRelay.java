package io.cometbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP relay that behaves like a proxy with an idle timeout: a connection through which
 * no byte passed either way for {@code cutAfterMillis} is closed on both sides (no WebSocket close
 * frame, no HTTP answer), as load balancers and NAT boxes do. Every cut is recorded with how long
 * the connection had been silent and when it happened.
 */
public final class IdleCutRelay implements AutoCloseable {
    /** One cut: milliseconds since the relay started, and the silence that was cut. */
    public record Cut(long atMillis, long silentMillis) { }

    private final ServerSocket listener;
    private final int targetPort;
    private final long cutAfterNanos;
    private final long started = System.nanoTime();
    private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
    private final List<Cut> cuts = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "idle-cut-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    public IdleCutRelay(int targetPort, long cutAfterMillis) throws IOException {
        this.targetPort = targetPort;
        this.cutAfterNanos = TimeUnit.MILLISECONDS.toNanos(cutAfterMillis);
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::acceptLoop, "idle-cut-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        watchdog.scheduleAtFixedRate(this::cutIdle, 20, 20, TimeUnit.MILLISECONDS);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Every cut so far, in order. */
    public List<Cut> cuts() {
        return List.copyOf(cuts);
    }

    /** Connections open now. */
    public int open() {
        return pairs.size();
    }

    private void cutIdle() {
        long now = System.nanoTime();
        for (Pair p : pairs) {
            long silent = now - p.lastActivity;
            if (silent >= cutAfterNanos && pairs.remove(p)) {
                cuts.add(new Cut(TimeUnit.NANOSECONDS.toMillis(now - started), TimeUnit.NANOSECONDS.toMillis(silent)));
                p.close();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Pair p = new Pair(client, server);
                pairs.add(p);
                pump(p, client, server);
                pump(p, server, client);
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void pump(Pair p, Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    p.lastActivity = System.nanoTime();
                    out.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // cut or closed
            } finally {
                pairs.remove(p);
                p.close();
            }
        }, "idle-cut-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        watchdog.shutdownNow();
        listener.close();
        for (Pair p : pairs) p.close();
        pairs.clear();
    }

    /** The two sockets of one relayed connection and when a byte last went through. */
    private static final class Pair {
        final Socket client;
        final Socket server;
        volatile long lastActivity = System.nanoTime();

        Pair(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(server);
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
