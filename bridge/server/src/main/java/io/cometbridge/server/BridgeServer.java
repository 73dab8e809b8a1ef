package io.cometbridge.server;

import io.cometbridge.session.Bridge;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;

import java.net.URI;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server around a {@link Bridge}: one port, one prefix. The WebSocket endpoint lives at
 * {@code {prefix}/ws}; modules (long-polling, static files, demos) add their own contexts.
 */
public final class BridgeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeServer.class);
    /** The default listen backlog: Linux's default net.core.somaxconn since kernel 5.4. */
    public static final int DEFAULT_ACCEPT_QUEUE = 4096;
    private final Bridge bridge;
    private final Server server;
    private final ServerConnector connector;     // plain HTTP, or null
    private final ServerConnector tlsConnector;  // HTTPS, or null
    private final String prefix;
    private final Duration drain;
    private final HostPolicy hosts;

    private BridgeServer(Builder b) {
        this.bridge = b.bridge;
        this.prefix = b.prefix;
        this.drain = b.drain;
        this.server = new Server(ServerThreads.pool(b.maxThreads, b.threadIdleTimeout), null, ConnectionBuffers.pool());
        server.setStopTimeout(b.drain.toMillis() + 1000);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // no version banner; fewer bytes per poll
        http.setSendXPoweredBy(false);
        // Jetty keeps a header cache per HTTP/1.1 connection: a 1,024-row trie, 50-100 KB of heap
        // for every open connection. Long-polling keeps one or two connections open per session for
        // its whole life (polling sessions cost 64-73 KB each with it, under 10 KB without; the soak
        // test saw ~750 MB at 10,000 sessions). The bridge's requests carry a handful of headers.
        http.setHeaderCacheSize(0);
        // Off by default (issue 9 item 9): Jetty measures the rate from the first body byte the
        // servlet reads, so a 30-byte body whose end is read 60 ms later fails it, and under load
        // (or after one TCP retransmission) valid polling requests were answered 400. Bodies are
        // read without a thread (BAD_INPUT.md H48); a stalled one ends at the idle timeout.
        http.setMinRequestDataRate(b.minRequestDataRate);
        // Forwarding headers count only from trusted proxies (PROTOCOL.md 7.2); from others they are noted, not believed.
        http.addCustomizer(new TrustedProxyCustomizer(b.trustedProxies));
        long idleMillis = b.idleTimeout != null ? b.idleTimeout.toMillis()
                : bridge.config().pollTimeout().plus(Duration.ofSeconds(30)).toMillis();
        if (b.plainHttp) {
            this.connector = meteredConnector(HttpProtocols.plain(http, b.http2));
            connector.setHost(b.host);
            connector.setPort(b.port);
            connector.setIdleTimeout(idleMillis);
            connector.setShutdownIdleTimeout(100); // idle keep-alive connections must not delay a stop
            connector.setAcceptQueueSize(b.acceptQueueSize);
            server.addConnector(connector);
        } else {
            this.connector = null;
        }
        if (b.tls != null) {
            HttpConfiguration https = new HttpConfiguration(http);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // clients may address the server by IP
            https.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            try {
                ssl.setKeyStore(b.tls.loadKeyStore());
            } catch (Exception e) {
                throw new IllegalArgumentException("cannot load the TLS identity: " + e.getMessage(), e);
            }
            ssl.setKeyStorePassword(b.tls.keyPassword());
            clientCertificates(ssl, b.tls);
            this.tlsConnector = meteredConnector(HttpProtocols.tls(ssl, https, b.http2));
            tlsConnector.setHost(b.host);
            tlsConnector.setPort(b.tls.port());
            tlsConnector.setIdleTimeout(idleMillis);
            tlsConnector.setShutdownIdleTimeout(100);
            tlsConnector.setAcceptQueueSize(b.acceptQueueSize);
            server.addConnector(tlsConnector);
        } else {
            this.tlsConnector = null;
        }
        if (connector == null && tlsConnector == null) throw new IllegalArgumentException("neither HTTP nor TLS is enabled");

        this.hosts = HostPolicy.of(b.host, b.allowedHosts);
        server.setHandler(BridgeHandlerTree.build(server, bridge,
                new BridgeHandlerTree.Settings(prefix, List.copyOf(b.modules), b.stats, b.statsToken, hosts)));
        server.setDefaultHandler(new JsonErrorHandler());
        server.setErrorHandler(new JsonErrorPages());
    }

    /** Asks clients for a certificate (TlsOptions.ClientAuth), checked against the trust store; SecureRequestCustomizer hands it to the authenticator. */
    private static void clientCertificates(SslContextFactory.Server ssl, TlsOptions tls) {
        if (tls.clientAuth() == TlsOptions.ClientAuth.NONE) return;
        try {
            ssl.setTrustStore(tls.loadTrustStore());
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot load the TLS trust store " + tls.truststore() + ": " + e.getMessage(), e);
        }
        ssl.setNeedClientAuth(tls.clientAuth() == TlsOptions.ClientAuth.NEED);
        ssl.setWantClientAuth(tls.clientAuth() == TlsOptions.ClientAuth.WANT);
    }

    /** A connector whose sockets count their bytes for the statistics (WireMeter), so wire figures are exact. */
    private ServerConnector meteredConnector(ConnectionFactory... factories) {
        return new ServerConnector(server, factories) {
            @Override
            protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
                MeteredEndPoint endPoint = new MeteredEndPoint(channel, selector, key, getScheduler(), bridge.totals());
                endPoint.setIdleTimeout(getIdleTimeout());
                return endPoint;
            }
        };
    }

    /** The origin a request addressed ({@code scheme://host:port}), for same-origin checks. */
    public static String selfOrigin(Request request) {
        var uri = request.getHttpURI();
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    public static Builder builder(Bridge bridge) {
        return new Builder(bridge);
    }

    public BridgeServer start() throws Exception {
        server.start();
        warnIfTheKernelCapsTheAcceptQueue();
        if (hosts.acceptsAnyHost() && hosts.configured().isEmpty()) {
            LOG.warn("listening on " + (connector != null ? connector : tlsConnector).getHost() + ", not loopback, with no"
                    + " allowed hosts configured: any Host name is served (no DNS rebinding protection)."
                    + " Name the public host names (--allowed-hosts) to refuse others with 421.");
        }
        return this;
    }

    /**
     * Linux silently caps a listen backlog at net.core.somaxconn (128 on kernels before 5.4, 4096
     * after): say so, or a configured accept queue is a number nothing enforces.
     */
    private void warnIfTheKernelCapsTheAcceptQueue() {
        long cap = somaxconn();
        int wanted = (connector != null ? connector : tlsConnector).getAcceptQueueSize();
        if (cap > 0 && wanted > cap) {
            LOG.warn("accept queue " + wanted + " is capped by the kernel at net.core.somaxconn=" + cap
                    + ": a burst of connects beyond it waits for SYN retries (raise it: sysctl -w net.core.somaxconn=" + wanted + ")");
        }
    }

    /** net.core.somaxconn on Linux, or -1 elsewhere. */
    static long somaxconn() {
        try {
            // Not Files.readString: procfs reports a size of 0 and the JDK then reads a partial value.
            return Long.parseLong(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/core/somaxconn")).get(0).trim());
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The plain HTTP port, or the TLS port when plain HTTP is off. */
    public int port() {
        return (connector != null ? connector : tlsConnector).getLocalPort();
    }

    /** The TLS port, or -1 without TLS. */
    public int tlsPort() {
        return tlsConnector == null ? -1 : tlsConnector.getLocalPort();
    }

    /** The base URI of the bridge, prefix included, e.g. {@code http://127.0.0.1:8080/bridge} (https without plain HTTP). */
    public URI uri() {
        return connector != null ? uriOf("http", connector) : uriOf("https", tlsConnector);
    }

    /** The https base URI, or null without TLS. */
    public URI tlsUri() {
        return tlsConnector == null ? null : uriOf("https", tlsConnector);
    }

    private URI uriOf(String scheme, ServerConnector c) {
        String host = c.getHost() == null || c.getHost().equals("0.0.0.0") ? "127.0.0.1" : c.getHost();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create(scheme + "://" + host + ":" + c.getLocalPort() + prefix);
    }

    public Bridge bridge() {
        return bridge;
    }

    public Server jetty() {
        return server;
    }

    /** Graceful stop: sessions are closed with 4003 and their clients told, then the server stops. */
    @Override
    public void close() throws Exception {
        bridge.shutdown(drain);
        server.stop();
    }

    public static final class Builder {
        private final Bridge bridge;
        private String host = "127.0.0.1";
        private int port = 0;
        private String prefix = "/bridge";
        private int maxThreads = 200;
        private Duration threadIdleTimeout = ServerThreads.DEFAULT_IDLE;
        private int acceptQueueSize = DEFAULT_ACCEPT_QUEUE;
        private boolean plainHttp = true;
        private boolean http2 = true;
        private TlsOptions tls;
        private Duration idleTimeout;
        private long minRequestDataRate = 0;
        private Duration drain = Duration.ofSeconds(2);
        private final List<BridgeModule> modules = new ArrayList<>();
        private boolean stats = false;
        private String statsToken;
        private List<String> allowedHosts = List.of();
        private AddressSet trustedProxies = new AddressSet(List.of());

        private Builder(Bridge bridge) {
            this.bridge = bridge;
        }

        public Builder host(String host) { this.host = host; return this; }
        /** 0 picks a free port. */
        public Builder port(int port) { this.port = port; return this; }

        public Builder prefix(String prefix) {
            if (!prefix.startsWith("/") || prefix.endsWith("/")) throw new IllegalArgumentException("prefix must look like /bridge");
            this.prefix = prefix;
            return this;
        }

        public Builder maxThreads(int n) { this.maxThreads = n; return this; }
        /** How long a Jetty thread above the few kept waits for work before it ends (default 10 s). */
        public Builder threadIdleTimeout(Duration d) { this.threadIdleTimeout = d; return this; }
        /**
         * The listen backlog: connections the kernel completes before the server accepts them.
         * Jetty's default is the JDK's 50, which a burst of connects (a reconnect storm after a
         * restart) overflows; the kernel caps it at net.core.somaxconn. Default {@value #DEFAULT_ACCEPT_QUEUE}.
         */
        public Builder acceptQueueSize(int n) {
            if (n < 1) throw new IllegalArgumentException("the accept queue must hold at least 1 connection");
            this.acceptQueueSize = n;
            return this;
        }
        /** Serve https/wss too (or only, with {@code plainHttp(false)}). */
        public Builder tls(TlsOptions tls) { this.tls = tls; return this; }
        public Builder plainHttp(boolean enabled) { this.plainHttp = enabled; return this; }
        /** HTTP/2 beside HTTP/1.1 (default on): h2c on the plain port, h2 by ALPN on the TLS port; see {@link HttpProtocols}. */
        public Builder http2(boolean enabled) { this.http2 = enabled; return this; }
        /** How long a connection may sit idle mid-request (slowloris bound); default poll timeout + 30 s. */
        public Builder idleTimeout(Duration d) { this.idleTimeout = d; return this; }
        /**
         * Bytes per second below which a request body is abandoned (0 = no minimum, the default).
         * Jetty measures it from the first body byte read, with no grace: a minimum of R fails any
         * body of N bytes whose end is read more than N/R seconds after its start, which small
         * bodies on a busy server or a lossy network do.
         */
        public Builder minRequestDataRate(long bytesPerSecond) { this.minRequestDataRate = bytesPerSecond; return this; }
        public Builder drain(Duration d) { this.drain = d; return this; }
        public Builder module(BridgeModule m) { modules.add(m); return this; }
        /** Serve {@code {prefix}/stats} (default off; see {@link StatsHandler}). */
        public Builder stats(boolean enabled) { this.stats = enabled; return this; }
        /** A bearer token {@code {prefix}/stats} requires (null: none). */
        public Builder statsToken(String token) {
            if (token != null && token.isBlank()) throw new IllegalArgumentException("the stats token must not be blank");
            this.statsToken = token;
            return this;
        }
        /**
         * Host names served besides IP addresses and localhost ({@code name}, {@code name:port}, {@code *});
         * empty: none when bound to loopback, any otherwise. See {@link HostPolicy}.
         */
        /**
         * Reverse proxies (addresses, CIDR blocks) whose Forwarded / X-Forwarded-For/-Host/-Proto
         * headers are believed; from any other peer they are ignored. Default: none.
         */
        public Builder trustedProxies(List<String> proxies) {
            this.trustedProxies = new AddressSet(proxies);
            return this;
        }

        public Builder allowedHosts(List<String> hosts) {
            HostPolicy.of("127.0.0.1", hosts); // refuse bad entries now, naming them
            this.allowedHosts = List.copyOf(hosts);
            return this;
        }

        public BridgeServer build() {
            return new BridgeServer(this);
        }
    }
}
