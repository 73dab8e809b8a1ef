package io.cometbridge.samples.bench.load;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The load generator of one run: one non-blocking Jetty HTTP client and WebSocket client on a
 * single selector and a few threads, whose sockets count their bytes ({@link WireCounter}), and a
 * factory of protocol adapters, one per system and transport, each written from that system's
 * protocol documentation. Thousands of sessions cost sockets, not threads.
 */
public final class LoadGenerator implements AutoCloseable {
    final WireCounter wire = new WireCounter();
    final BrowserHeaders headers;
    final HttpClient http;
    private HttpClient http2; // made on first use: http2()
    final WebSocketClient ws;
    /** Timers of the adapters (the bridge client's delayed acknowledgements). */
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadgen-timer");
        t.setDaemon(true);
        return t;
    });
    private final QueuedThreadPool pool;
    private final java.util.List<Integer> ports;
    private final java.util.concurrent.atomic.AtomicInteger nextPort = new java.util.concurrent.atomic.AtomicInteger();

    public LoadGenerator(int port, int threads) throws Exception {
        this(java.util.List.of(port), threads);
    }

    /** Clients spread over several servers (nodes of one bridge): each new client goes to the next port. */
    public LoadGenerator(java.util.List<Integer> ports, int threads) throws Exception {
        this.ports = java.util.List.copyOf(ports);
        this.headers = new BrowserHeaders();
        pool = new QueuedThreadPool(Math.max(4, threads), Math.min(4, Math.max(2, threads)));
        pool.setName("loadgen");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        http = newClient(HttpClientTransportOverHTTP::new);
        ws = new WebSocketClient(http);
        ws.setIdleTimeout(Duration.ofMinutes(5)); // held Bayeux connects and 25 s Socket.IO pings outlast Jetty's 30 s default
        ws.setMaxTextMessageSize(8 * 1024 * 1024);
        ws.start();
    }

    private final java.util.List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger failureCount = new java.util.concurrent.atomic.AtomicInteger();

    /** Keeps the first few reasons why sessions were lost, for the run's summary. */
    void noteFailure(String reason) {
        if (failureCount.incrementAndGet() <= 3) failures.add(reason.length() > 300 ? reason.substring(0, 300) + "…" : reason);
    }

    /** How many sessions were lost, and the first reasons. */
    public String failures() {
        return failureCount.get() == 0 ? "" : failureCount.get() + " session(s) lost, e.g. " + String.join(" | ", failures);
    }

    /** Bytes read and written so far on every socket of this load generator. */
    public WireCounter.Reading wire() {
        return wire.read();
    }

    /**
     * A new (not yet connected) client session of {@code target}, on the next server in turn; the
     * session makes all its requests to that one server (a node of several keeps it without forwarding).
     */
    public BenchClient client(Target target, BenchClient.Listener listener) {
        int port = ports.get(Math.floorMod(nextPort.getAndIncrement(), ports.size()));
        String root = "http://127.0.0.1:" + port;
        return switch (target.system()) {
            case BRIDGE, BRIDGE_REDIS, BRIDGE_TWO_NODES -> switch (target.transport()) {
                case Target.WEBSOCKET -> new BridgeWsClient(this, java.net.URI.create(root + "/bridge"), listener);
                case Target.POLLING_H2 -> new BridgePollingClient(this, http2(), java.net.URI.create(root + "/bridge"), listener);
                default -> new BridgePollingClient(this, http, java.net.URI.create(root + "/bridge"), listener);
            };
            case SOCKETIO -> target.transport().equals(Target.WEBSOCKET)
                    ? new SocketIoWsClient(this, java.net.URI.create(root + "/socket.io/"), listener)
                    : new SocketIoPollingClient(this, java.net.URI.create(root + "/socket.io/"), listener);
            case COMETD -> switch (target.transport()) {
                case Target.WEBSOCKET -> new CometdWsClient(this, java.net.URI.create(root + "/cometd"), listener);
                case Target.POLLING_H2 -> new CometdPollingClient(this, http2(), java.net.URI.create(root + "/cometd"), listener);
                default -> new CometdPollingClient(this, http, java.net.URI.create(root + "/cometd"), listener);
            };
        };
    }

    /**
     * The HTTP/2 client (h2c by prior knowledge), made on first use, on sockets counted like the
     * others. Each session tags its requests so that it gets a connection of its own, as a browser
     * page does: sessions do not share one HPACK table.
     */
    synchronized HttpClient http2() {
        if (http2 == null) http2 = newClient(connector -> new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
        return http2;
    }

    /**
     * A started HTTP client on {@code transport} over sockets counted by {@link #wire}, sharing the
     * generator's threads, sending only {@link BrowserHeaders}' headers: no Jetty User-Agent, no
     * cookie store (Jetty's gzip decoder stays: it decodes what Socket.IO compresses).
     */
    private HttpClient newClient(java.util.function.Function<CountingConnector, HttpClientTransport> transport) {
        CountingConnector connector = new CountingConnector(wire);
        connector.setSelectors(1);
        connector.setExecutor(pool);
        connector.setConnectTimeout(Duration.ofSeconds(60));
        connector.setIdleTimeout(Duration.ofMinutes(5));
        HttpClient client = new HttpClient(transport.apply(connector));
        client.setExecutor(pool);
        client.setMaxConnectionsPerDestination(32_768);
        client.setMaxRequestsQueuedPerDestination(1 << 20);
        client.setIdleTimeout(Duration.ofMinutes(5).toMillis());
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start an HTTP client", e);
        }
        return client;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (http2 != null) http2.stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
        try {
            ws.stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
        try {
            http.stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
        try {
            pool.stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
    }
}
