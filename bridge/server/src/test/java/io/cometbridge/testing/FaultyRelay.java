package io.cometbridge.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting loopback TCP relay for chaos tests (the hostile network between client and
 * server). Unlike {@link TcpRelay} it runs on one NIO selector thread, so hundreds of connections
 * cost no threads, and on request it breaks connections in the ways real networks and proxies do:
 *
 * <ul>
 *   <li>{@link Fault#CUT_MID_FRAME}: forwards a random prefix of the next read, then closes both
 *       sides (a frame or HTTP message cut in the middle);</li>
 *   <li>{@link Fault#STALL}: stops forwarding in both directions for a while (a blackholing
 *       proxy), then carries on as if nothing happened;</li>
 *   <li>{@link Fault#DELAY}: holds the next chunk in one direction for a short while (order kept);</li>
 *   <li>{@link Fault#DROP_RESPONSE}: on an HTTP connection whose last request was a poll
 *       ({@code /poll/recv}), swallows the server's response bytes and closes the connection: the
 *       server wrote the response, the client never sees it.</li>
 * </ul>
 *
 * Faults are armed by {@link #inject} on a random live connection and counted when they actually
 * take effect ({@link #injected()}). Everything runs on the selector thread; other threads only
 * queue tasks for it.
 */
public final class FaultyRelay implements AutoCloseable {

    public enum Fault { CUT_MID_FRAME, STALL, DELAY, DROP_RESPONSE }

    private static final byte[] POLL_RECV = "/poll/recv".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POLL_ANY = "/poll/".getBytes(StandardCharsets.US_ASCII);

    private final int targetPort;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Thread loop;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "faulty-relay-timer");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Random random;
    private volatile boolean closed;

    public FaultyRelay(int targetPort, long seed) throws IOException {
        this.targetPort = targetPort;
        this.random = new Random(seed);
        for (Fault f : Fault.values()) injected.put(f, new AtomicLong());
        selector = Selector.open();
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        loop = new Thread(this::run, "faulty-relay");
        loop.setDaemon(true);
        loop.start();
    }

    public int port() {
        return listener.socket().getLocalPort();
    }

    /** Faults that took effect, by kind. */
    public Map<Fault, Long> injected() {
        Map<Fault, Long> out = new EnumMap<>(Fault.class);
        injected.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long connectionsAccepted() {
        return connections.get();
    }

    public long bytesRelayed() {
        return bytes.get();
    }

    public int liveConnections() {
        return pipes.size();
    }

    /**
     * Arms {@code fault} on a random live connection that can take it (any connection for cuts,
     * stalls and delays; an HTTP connection for dropped poll responses). The fault is counted when
     * it takes effect; a connection that closes first takes its armed fault with it.
     */
    public void inject(Fault fault) {
        submit(() -> {
            List<Pipe> candidates = new ArrayList<>();
            for (Pipe p : pipes) {
                if (p.closed || p.armed != null) continue;
                if (fault == Fault.DROP_RESPONSE && !p.http) continue;
                candidates.add(p);
            }
            if (candidates.isEmpty()) return;
            Pipe p = candidates.get(random.nextInt(candidates.size()));
            if (fault == Fault.STALL) {
                injected.get(Fault.STALL).incrementAndGet();
                long millis = 200 + random.nextInt(1300);
                p.up.pausedUntilTimer = true;
                p.down.pausedUntilTimer = true;
                p.updateInterest();
                timer.schedule(() -> submit(() -> {
                    p.up.pausedUntilTimer = false;
                    p.down.pausedUntilTimer = false;
                    p.updateInterest();
                }), millis, TimeUnit.MILLISECONDS);
            } else {
                p.armed = fault;
                p.armedUp = fault != Fault.DROP_RESPONSE && random.nextBoolean();
            }
        });
    }

    private void submit(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    // ---------------------------------------------------------------- the loop

    private void run() {
        while (!closed) {
            try {
                selector.select(100);
                Runnable task;
                while ((task = tasks.poll()) != null) task.run();
                for (SelectionKey key : selector.selectedKeys()) {
                    try {
                        if (!key.isValid()) continue;
                        if (key.isAcceptable()) {
                            accept();
                            continue;
                        }
                        Pipe p = (Pipe) key.attachment();
                        boolean clientSide = key.channel() == p.client;
                        if (key.isReadable()) (clientSide ? p.up : p.down).readable();
                        if (!p.closed && key.isValid() && key.isWritable()) (clientSide ? p.down : p.up).writable();
                        if (!p.closed) p.updateInterest();
                    } catch (CancelledKeyException e) {
                        // the pipe closed under us
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (closed) return;
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel client;
        while ((client = listener.accept()) != null) {
            SocketChannel server;
            try {
                server = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
            } catch (IOException e) {
                client.close();
                continue;
            }
            connections.incrementAndGet();
            Pipe p = new Pipe(client, server);
            pipes.add(p);
            p.register();
        }
    }

    /** One relayed connection: the client's socket, the server's socket, a side per direction. */
    private final class Pipe {
        final SocketChannel client, server;
        final Side up, down; // up: client → server; down: server → client
        SelectionKey clientKey, serverKey;
        boolean closed;
        boolean http;            // the client spoke HTTP requests to /poll/ (not a WebSocket)
        boolean recvPending;     // the last request on this connection was a /poll/recv
        Fault armed;
        boolean armedUp;

        Pipe(SocketChannel client, SocketChannel server) throws IOException {
            this.client = client;
            this.server = server;
            client.configureBlocking(false);
            server.configureBlocking(false);
            client.socket().setTcpNoDelay(true);
            server.socket().setTcpNoDelay(true);
            up = new Side(this, client, server, true);
            down = new Side(this, server, client, false);
        }

        void register() throws IOException {
            clientKey = client.register(selector, SelectionKey.OP_READ, this);
            serverKey = server.register(selector, SelectionKey.OP_READ, this);
        }

        void updateInterest() {
            if (closed) return;
            try {
                clientKey.interestOps((up.wantsRead() ? SelectionKey.OP_READ : 0) | (down.wantsWrite() ? SelectionKey.OP_WRITE : 0));
                serverKey.interestOps((down.wantsRead() ? SelectionKey.OP_READ : 0) | (up.wantsWrite() ? SelectionKey.OP_WRITE : 0));
            } catch (CancelledKeyException e) {
                close();
            }
        }

        void close() {
            if (closed) return;
            closed = true;
            pipes.remove(this);
            quietly(client);
            quietly(server);
        }

        void sawRequest(ByteBuffer chunk) {
            if (indexOf(chunk, POLL_ANY) >= 0) {
                http = true;
                recvPending = indexOf(chunk, POLL_RECV) >= 0;
            }
        }
    }

    /** One direction of a pipe: reads from {@code from} into a buffer and writes it to {@code to}. */
    private final class Side {
        final Pipe pipe;
        final SocketChannel from, to;
        final boolean isUp;
        final ByteBuffer buf = ByteBuffer.allocate(32 * 1024);
        boolean pausedUntilTimer;
        boolean eof;

        Side(Pipe pipe, SocketChannel from, SocketChannel to, boolean isUp) {
            this.pipe = pipe;
            this.from = from;
            this.to = to;
            this.isUp = isUp;
            buf.flip(); // empty, in "drain" mode
        }

        boolean wantsRead() {
            return !eof && !buf.hasRemaining() && !pausedUntilTimer;
        }

        boolean wantsWrite() {
            return buf.hasRemaining() && !pausedUntilTimer;
        }

        void readable() {
            if (!wantsRead()) return;
            buf.clear();
            int n;
            try {
                n = from.read(buf);
            } catch (IOException e) {
                pipe.close();
                return;
            }
            buf.flip();
            if (n < 0) {
                eof = true;
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    pipe.close();
                    return;
                }
                if (pipe.up.eof && pipe.down.eof) pipe.close();
                return;
            }
            if (n == 0) return;
            bytes.addAndGet(n);
            if (isUp) pipe.sawRequest(buf);
            Fault armed = pipe.armed;
            if (armed != null && pipe.armedUp == isUp) {
                if (armed == Fault.CUT_MID_FRAME && n >= 2) {
                    pipe.armed = null;
                    injected.get(Fault.CUT_MID_FRAME).incrementAndGet();
                    buf.limit(1 + random.nextInt(n - 1)); // a strict prefix
                    try {
                        to.write(buf);
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                    pipe.close();
                    return;
                }
                if (armed == Fault.DROP_RESPONSE && !isUp && pipe.recvPending) {
                    pipe.armed = null;
                    injected.get(Fault.DROP_RESPONSE).incrementAndGet();
                    buf.position(buf.limit()); // swallowed
                    pipe.close();
                    return;
                }
                if (armed == Fault.DELAY) {
                    pipe.armed = null;
                    injected.get(Fault.DELAY).incrementAndGet();
                    pausedUntilTimer = true;
                    timer.schedule(() -> submit(() -> {
                        pausedUntilTimer = false;
                        writable();
                        pipe.updateInterest();
                    }), 20 + random.nextInt(280), TimeUnit.MILLISECONDS);
                    return;
                }
            }
            writable();
        }

        void writable() {
            if (pipe.closed || pausedUntilTimer || !buf.hasRemaining()) return;
            try {
                to.write(buf);
            } catch (IOException e) {
                pipe.close();
            }
        }
    }

    private static int indexOf(ByteBuffer haystack, byte[] needle) {
        int start = haystack.position(), end = haystack.limit() - needle.length;
        outer:
        for (int i = start; i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack.get(i + j) != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private static void quietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        timer.shutdownNow();
        selector.wakeup();
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pipe p : pipes) p.close();
        listener.close();
        selector.close();
    }
}
