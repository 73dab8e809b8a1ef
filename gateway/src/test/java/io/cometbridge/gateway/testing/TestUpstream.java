package io.cometbridge.gateway.testing;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An existing WebSocket service that knows nothing of the bridge: a real Jetty server on
 * 127.0.0.1 (the same port across restarts), path {@code /up}. It echoes every message as it came
 * (text as text, binary as binary), or only counts them ({@link #echo(boolean)}). Tests can make it
 * slow (it stops reading: {@link #pauseReading()}), make it push a stream of messages at the
 * pace its socket takes them ({@link #flood}), refuse handshakes, close or restart, and read the
 * handshakes it saw. Close it in the test.
 */
public final class TestUpstream implements AutoCloseable {
    private final Path keystore; // wss when set
    private final String keystorePassword;
    private Server server;
    private int port;

    public final List<Map<String, List<String>>> handshakes = new CopyOnWriteArrayList<>();
    public final Set<Conn> connections = ConcurrentHashMap.newKeySet();
    /** Messages received in order per connection; a message out of order counts in {@link #outOfOrder}. */
    public final AtomicLong received = new AtomicLong();
    public final AtomicLong outOfOrder = new AtomicLong();
    public final AtomicLong flooded = new AtomicLong();
    /** How each connection ended: "code reason". */
    public final List<String> closes = new CopyOnWriteArrayList<>();
    private volatile boolean echo = true;
    private volatile boolean readingPaused;
    private volatile int refuseStatus;
    private volatile String acceptSubprotocol;

    public TestUpstream() throws Exception {
        this(null, null);
    }

    /** A {@code wss://} service with this PKCS#12 key. */
    public TestUpstream(Path keystore, String password) throws Exception {
        this.keystore = keystore;
        this.keystorePassword = password;
        start();
    }

    public URI uri() {
        return URI.create((keystore != null ? "wss" : "ws") + "://127.0.0.1:" + port + "/up");
    }

    public TestUpstream echo(boolean on) {
        echo = on;
        return this;
    }

    /** Answers every handshake with this HTTP status (0: accept again). */
    public void refuse(int status) {
        refuseStatus = status;
    }

    /** Picks this subprotocol when a handshake offers it. */
    public void acceptSubprotocol(String p) {
        acceptSubprotocol = p;
    }

    /** Stops reading every connection (a slow service): what the gateway writes waits in the sockets. */
    public void pauseReading() {
        readingPaused = true;
    }

    public void resumeReading() {
        readingPaused = false;
        for (Conn c : connections) c.resume();
    }

    /** Sends {@code count} messages "prefix0", "prefix1", … on every connection, each once the last is on the socket. */
    public void flood(String prefix, int count) {
        for (Conn c : connections) c.flood(prefix, 0, count);
    }

    public void closeAll(int code, String reason) {
        for (Conn c : connections) c.socket.close(code, reason, Callback.NOOP);
    }

    public synchronized void start() throws Exception {
        server = new Server();
        ServerConnector connector;
        if (keystore != null) {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(keystore.toString());
            tls.setKeyStorePassword(keystorePassword);
            tls.setKeyStoreType("PKCS12");
            connector = new ServerConnector(server, tls);
        } else {
            connector = new ServerConnector(server);
        }
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setReuseAddress(true);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(java.time.Duration.ofMinutes(5));
            container.setMaxTextMessageSize(16L << 20);
            container.addMapping("/up", (request, response, callback) -> {
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                request.getHeaders().forEach(f -> headers.computeIfAbsent(f.getName(), k -> new CopyOnWriteArrayList<>()).add(f.getValue()));
                handshakes.add(headers);
                if (refuseStatus != 0) {
                    response.setStatus(refuseStatus);
                    callback.succeeded();
                    return null;
                }
                String p = acceptSubprotocol;
                if (p != null && request.getSubProtocols().contains(p)) response.setAcceptedSubProtocol(p);
                return new Conn();
            });
        }));
        server.start();
        port = connector.getLocalPort();
    }

    /** Stops the service: every connection ends (1001 going away). */
    public synchronized void stop() throws Exception {
        server.stop();
        connections.clear();
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    /** One client connection of the service, with explicit demand. */
    public final class Conn implements Session.Listener {
        volatile Session socket;
        private long expected; // next "…N" number, for the order check (on Jetty's delivering thread)
        private final java.util.concurrent.atomic.AtomicBoolean waiting = new java.util.concurrent.atomic.AtomicBoolean(); // paused, no demand out

        @Override
        public void onWebSocketOpen(Session session) {
            socket = session;
            connections.add(this);
            next();
        }

        @Override
        public void onWebSocketText(String text) {
            count(text);
            if (echo) socket.sendText(text, Callback.NOOP);
            next();
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            received.incrementAndGet();
            if (echo) socket.sendBinary(copy, Callback.NOOP);
            next();
        }

        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.slice()).flip();
            socket.sendPong(copy, Callback.from(this::next, f -> { }));
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            next();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            callback.succeed();
            closes.add(statusCode + " " + reason);
            connections.remove(this);
        }

        /** Messages ending in a number are checked to come in order on this connection. */
        private void count(String text) {
            received.incrementAndGet();
            int i = text.length();
            while (i > 0 && Character.isDigit(text.charAt(i - 1))) i--;
            if (i == text.length()) return;
            long n = Long.parseLong(text.substring(i));
            if (n != expected) outOfOrder.incrementAndGet();
            expected = n + 1;
        }

        private void next() {
            if (readingPaused) {
                waiting.set(true);
                if (readingPaused || !waiting.compareAndSet(true, false)) return; // resume() may have come in between
            }
            socket.demand();
        }

        void resume() {
            if (waiting.compareAndSet(true, false)) socket.demand();
        }

        /** On a thread of its own (a test's service may block): each message once the last is on the socket. */
        void flood(String prefix, int from, int count) {
            Thread t = new Thread(() -> {
                try {
                    for (int i = from; i < count && socket.isOpen(); i++) {
                        Callback.Completable written = new Callback.Completable();
                        socket.sendText(prefix + i, written);
                        written.get();
                        flooded.incrementAndGet();
                    }
                } catch (Exception e) {
                    // the connection ended
                }
            }, "test-upstream-flood");
            t.setDaemon(true);
            t.start();
        }
    }
}
