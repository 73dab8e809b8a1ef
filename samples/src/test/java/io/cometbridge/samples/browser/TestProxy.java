package io.cometbridge.samples.browser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP forward proxy inside the tests, for what no packaged proxy does on demand. Plain
 * requests (absolute URIs) are relayed byte for byte; a {@code CONNECT} (how Chromium tunnels
 * ws:// through a proxy) follows a policy that can change while the browser runs:
 * <ul>
 *   <li>{@link Policy#REFUSE}: 403, as squid's default rules answer;</li>
 *   <li>{@link Policy#TUNNEL}: a working tunnel;</li>
 *   <li>{@link Policy#BLACKHOLE_AFTER_UPGRADE}: the tunnel carries the handshake and the server's
 *   101 answer, then passes no byte either way while keeping both connections open.</li>
 *   <li>{@link Policy#DIE_SOON_AFTER_CONNECT}: a working tunnel for {@link #DIES_AFTER_MS}, then
 *   cut (as an antivirus or TLS-inspecting proxy that lets WebSockets open and then kills them).</li>
 * </ul>
 * Only loopback targets are served. Keeps its own access log.
 */
final class TestProxy implements AutoCloseable {
    enum Policy { REFUSE, TUNNEL, BLACKHOLE_AFTER_UPGRADE, DIE_SOON_AFTER_CONNECT }

    /** How long a {@link Policy#DIE_SOON_AFTER_CONNECT} tunnel works before it is cut. */
    static final long DIES_AFTER_MS = 1000;

    private final ServerSocket server;
    private final ExecutorService threads;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    final List<String> accessLog = new CopyOnWriteArrayList<>();
    private volatile Policy policy;
    private volatile boolean closed;

    TestProxy(Policy policy) throws IOException {
        this.policy = policy;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-proxy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    void policy(Policy p) {
        policy = p;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) accessLog.add("accept failed: " + e);
            }
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) return;
            String headText = new String(head, StandardCharsets.ISO_8859_1);
            String[] requestLine = headText.substring(0, headText.indexOf("\r\n")).split(" ");
            if (requestLine.length < 3) return;
            String method = requestLine[0], target = requestLine[1];
            if (method.equals("CONNECT")) {
                Policy p = policy;
                accessLog.add("CONNECT " + target + " " + p);
                InetSocketAddress to = loopback(target);
                if (to == null) accessLog.add("  refused: not a loopback target");
                if (p == Policy.REFUSE || to == null) {
                    write(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }
                upstream = connect(to);
                write(client, "HTTP/1.1 200 Connection established\r\n\r\n");
                if (p == Policy.TUNNEL) {
                    relay(client, upstream);
                } else if (p == Policy.DIE_SOON_AFTER_CONNECT) {
                    Socket up = upstream;
                    threads.execute(() -> {
                        sleepQuietly(DIES_AFTER_MS);
                        accessLog.add("  tunnel cut after " + DIES_AFTER_MS + " ms");
                        closeQuietly(client);
                        closeQuietly(up);
                    });
                    relay(client, upstream);
                } else {
                    blackholeAfterUpgrade(client, upstream);
                }
            } else {
                // A plain request through a proxy names an absolute URI; the bridge takes those as they are.
                accessLog.add(method + " " + target);
                InetSocketAddress to = target.startsWith("http://") ? loopback(target.substring(7).split("/", 2)[0]) : null;
                if (to == null) {
                    write(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }
                upstream = connect(to);
                Socket up = upstream;
                threads.execute(() -> {
                    try {
                        copy(up.getInputStream(), client.getOutputStream());
                    } catch (IOException e) {
                        // one side ended
                    } finally {
                        closeQuietly(client);
                        closeQuietly(up);
                    }
                });
                forwardRequests(head, in, upstream.getOutputStream()); // later requests on this connection too
            }
        } catch (IOException e) {
            // a connection ended: nothing to do
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** The handshake goes through both ways, then nothing more does; returns when either side leaves. */
    private void blackholeAfterUpgrade(Socket client, Socket upstream) throws IOException {
        byte[] request = readHead(client.getInputStream());
        if (request == null) return;
        upstream.getOutputStream().write(request);
        byte[] response = readHead(upstream.getInputStream());
        if (response == null) return;
        client.getOutputStream().write(response);
        String status = new String(response, StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
        accessLog.add("  tunnelled handshake answered \"" + status + "\"; from now on nothing passes");
        threads.execute(() -> drain(upstream));
        drain(client);
    }

    /**
     * Forwards requests as they are, logging each request line (keep-alive connections carry many):
     * a head, then its Content-Length body. A chunked body ends the logging; bytes still pass.
     */
    private void forwardRequests(byte[] head, InputStream in, OutputStream out) throws IOException {
        while (head != null) {
            out.write(head);
            out.flush();
            String text = new String(head, StandardCharsets.ISO_8859_1);
            long length = 0;
            for (String line : text.split("\r\n")) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) length = Long.parseLong(line.substring(15).trim());
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    copy(in, out);
                    return;
                }
            }
            byte[] buf = new byte[16 * 1024];
            while (length > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, length));
                if (n < 0) return;
                out.write(buf, 0, n);
                length -= n;
            }
            out.flush();
            head = readHead(in);
            if (head != null) {
                String next = new String(head, StandardCharsets.ISO_8859_1);
                String[] parts = next.substring(0, next.indexOf("\r\n")).split(" ");
                accessLog.add(parts[0] + " " + (parts.length > 1 ? parts[1] : "") + " (same connection)");
            }
        }
    }

    private void relay(Socket client, Socket upstream) throws IOException {
        threads.execute(() -> {
            try {
                copy(upstream.getInputStream(), client.getOutputStream());
            } catch (IOException e) {
                // one side ended
            } finally {
                closeQuietly(client);
                closeQuietly(upstream);
            }
        });
        copy(client.getInputStream(), upstream.getOutputStream());
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[16 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            out.flush();
        }
    }

    /** Reads and forgets everything until the peer leaves. */
    private static void drain(Socket s) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = s.getInputStream();
            while (in.read(buf) >= 0) {
                // swallowed
            }
        } catch (IOException e) {
            // ended
        }
    }

    /** An HTTP head (request or response) up to its blank line, read byte by byte so nothing after it is consumed. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) return null;
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
            if (head.size() > 64 * 1024) throw new IOException("head too large");
        }
        return head.toByteArray();
    }

    /** host:port if the host is loopback, else null (this proxy serves the tests' own servers only). */
    private static InetSocketAddress loopback(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) return null;
        String host = hostPort.substring(0, colon);
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) return null;
        try {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Socket connect(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(to, 5000);
        return s;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private void closeQuietly(Socket s) {
        if (s == null) return;
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) closeQuietly(s);
        threads.shutdownNow();
    }
}
