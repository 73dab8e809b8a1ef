package io.cometbridge.client;

import io.cometbridge.api.TransportKind;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/** Settings of a {@link BridgeClient}; {@link BridgeClient#builder(URI)} starts one. */
public final class BridgeClientBuilder {
    private static final Executor SHARED_POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bridge-client");
        t.setDaemon(true);
        return t;
    });

    private final URI uri;
    private List<TransportKind> order = List.of(TransportKind.WEBSOCKET, TransportKind.POLLING);
    private BridgeClient.Listener listener = (c, m) -> { };
    private String origin;
    private HttpClient http;
    private Executor executor = SHARED_POOL;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private int maxQueuedMessages = 4096;
    private long maxQueuedBytes = 8L * 1024 * 1024;
    private URI webSocketUri;
    private Duration openTimeout = Duration.ofSeconds(30);
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Supplier<String> tokenProvider;
    private ClientMemory memory;
    private ProbeSettings probes = ProbeSettings.DEFAULTS;

    BridgeClientBuilder(URI uri) {
        this.uri = Objects.requireNonNull(uri);
    }

    /** Transports in the order to try (default WebSocket, then polling). */
    public BridgeClientBuilder transports(TransportKind... kinds) {
        if (kinds.length == 0) throw new IllegalArgumentException("no transports");
        for (TransportKind k : kinds) {
            if (k != TransportKind.WEBSOCKET && k != TransportKind.POLLING) {
                throw new IllegalArgumentException(k + " is the server's Bayeux endpoint, not a transport of this client");
            }
        }
        this.order = List.of(kinds);
        return this;
    }

    public BridgeClientBuilder listener(BridgeClient.Listener l) { this.listener = Objects.requireNonNull(l); return this; }
    /** Where the WebSocket endpoint is, when not at {@code {uri}/ws} (e.g. wss on another port). */
    public BridgeClientBuilder webSocketUri(URI uri) { this.webSocketUri = uri; return this; }
    /** An Origin header to send (browsers always do; the server checks it when present). */
    public BridgeClientBuilder origin(String origin) { this.origin = origin; return this; }
    /**
     * A header every request and WebSocket handshake carries (a session cookie, an
     * {@code Authorization}); headers the JDK's HTTP client sets itself (Host, Connection, …) are refused.
     */
    public BridgeClientBuilder header(String name, String value) {
        HttpRequest.newBuilder().header(name, value); // the JDK's own check: refuses restricted names now
        headers.put(name, value);
        return this;
    }

    /**
     * Where the attach frame's {@code auth} token comes from: asked at every attach (the first and
     * each re-attach, over either transport), so a short-lived token is fresh each time. It runs on
     * the client's executor and must answer quickly; null means no token. Default none.
     */
    public BridgeClientBuilder tokenProvider(Supplier<String> provider) { this.tokenProvider = provider; return this; }
    public BridgeClientBuilder httpClient(HttpClient http) { this.http = http; return this; }
    /** Threads that run the client's work and callbacks (default: a shared daemon pool). */
    public BridgeClientBuilder executor(Executor executor) { this.executor = Objects.requireNonNull(executor); return this; }
    public BridgeClientBuilder connectTimeout(Duration d) { this.connectTimeout = d; return this; }
    /** How long {@link BridgeClient#connect()} waits for the first session before its future fails. */
    public BridgeClientBuilder openTimeout(Duration d) { this.openTimeout = d; return this; }
    /** Bound of the client's replay buffer: unacknowledged messages. */
    public BridgeClientBuilder maxQueuedMessages(int n) { this.maxQueuedMessages = n; return this; }
    /** Bound of the client's replay buffer: unacknowledged payload bytes. */
    public BridgeClientBuilder maxQueuedBytes(long n) { this.maxQueuedBytes = n; return this; }

    private Map<String, String> headersWithOrigin() {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (origin != null) all.put("Origin", origin);
        return Map.copyOf(all);
    }

    /** Where to remember what was learned about the network to this bridge (default: in memory, this client only). */
    public BridgeClientBuilder memory(ClientMemory memory) { this.memory = Objects.requireNonNull(memory); return this; }

    /**
     * Background WebSocket probes while the session is on polling: the first after {@code firstDelay},
     * doubling (jittered) up to {@code maxDelay}, none after {@code maxProbes} failures in a row
     * (default 2 s, 5 min, 8); and how long the {@link #memory} keeps that WebSocket failed for this
     * bridge, so that new clients start on polling (default 1 h).
     */
    public BridgeClientBuilder probes(Duration firstDelay, Duration maxDelay, int maxProbes, Duration rememberFor) {
        this.probes = new ProbeSettings(firstDelay, maxDelay, maxProbes, rememberFor, probes.demoteFor());
        return this;
    }

    /**
     * How long the session stays on polling once WebSockets opened and were lost within 10 s three
     * times in a row (a proxy or antivirus that lets them open and then breaks them); default 10 min.
     * {@link BridgeClient.Listener#onDemoted} tells when it happens.
     */
    public BridgeClientBuilder demoteWebSocketFor(Duration demoteFor) {
        ProbeSettings p = probes;
        this.probes = new ProbeSettings(p.firstDelay(), p.maxDelay(), p.maxProbes(), p.rememberFor(), demoteFor);
        return this;
    }

    public BridgeClient build() {
        String base = uri.toString().endsWith("/") ? uri.toString() : uri + "/";
        URI ws = webSocketUri != null ? webSocketUri : URI.create(base.replaceFirst("^http", "ws") + "ws");
        HttpClient client = http != null ? http : defaultHttpClient(uri, connectTimeout);
        return new BridgeClient(new ClientConfig(URI.create(base), ws, order, listener, headersWithOrigin(), tokenProvider, client, executor,
                connectTimeout, openTimeout, maxQueuedMessages, maxQueuedBytes,
                memory != null ? memory : ClientMemory.inMemory(), probes));
    }

    /**
     * The client made when none is given: HTTP/2 over TLS (ALPN), HTTP/1.1 in clear text. The JDK's
     * client would otherwise offer an h2c upgrade on every new clear-text connection, and it
     * misreads the upgraded response now and then when that response spans several HTTP/2 frames
     * (a poll answer above 16 KiB): a protocol error or an early EOF, seen with JDK 17 and 25
     * against Jetty, while the bytes the server sent were well formed.
     */
    static HttpClient defaultHttpClient(URI uri, Duration connectTimeout) {
        HttpClient.Version version = "https".equalsIgnoreCase(uri.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
        return HttpClient.newBuilder().connectTimeout(connectTimeout).version(version).build();
    }
}
