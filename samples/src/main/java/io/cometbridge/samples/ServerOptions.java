package io.cometbridge.samples;

import io.cometbridge.server.AddressSet;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.server.HostPolicy;
import io.cometbridge.server.OriginSyntax;
import io.cometbridge.server.TlsOptions;
import io.cometbridge.session.BridgeConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The server's command-line options and their mapping to {@link BridgeConfig}. The defaults are
 * the core's own ({@code ServerOptionsTest} checks that they agree).
 */
public final class ServerOptions {
    /** Where the stats token may come from instead of a file (never from the command line: ps shows it). */
    public static final String STATS_TOKEN_ENV = "COMET_BRIDGE_STATS_TOKEN";
    private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 = every interface. Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port; 0 = any free port (the start line says which). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--accept-queue", paramLabel = "N", defaultValue = "" + BridgeServer.DEFAULT_ACCEPT_QUEUE,
            description = "Listen backlog: connections the kernel completes before the server accepts them (a burst of connects beyond it waits for SYN retries); Linux caps it at net.core.somaxconn. Default: ${DEFAULT-VALUE}")
    int acceptQueue;

    @Option(names = "--prefix", paramLabel = "PATH", defaultValue = "/bridge",
            description = "URL prefix of both transports and the client files. Default: ${DEFAULT-VALUE}")
    String prefix;

    @Option(names = "--poll-timeout", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
            description = "How long a long-poll is held before it is answered empty (keep it below proxy idle cuts). Default: ${DEFAULT-VALUE}")
    Duration pollTimeout;

    @Option(names = "--heartbeat", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.class,
            description = "Server ping interval; a transport silent for twice this is dead. Default: ${DEFAULT-VALUE}")
    Duration heartbeat;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long a session outlives its transport before it closes (4001). Default: ${DEFAULT-VALUE}")
    Duration grace;

    @Option(names = "--allowed-origins", paramLabel = "ORIGIN", split = ",",
            description = "Comma-separated browser origins allowed besides the server's own, exactly scheme://host[:port], e.g. https://app.example.com; * = any; null = the opaque origin 'null'. Default: empty = same-origin only")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--allowed-hosts", paramLabel = "HOST", split = ",",
            description = "Comma-separated Host names served besides IP addresses and localhost (the DNS rebinding defence), e.g. chat.example.com or chat.example.com:8443; * = any; others get 421. Default: empty = none when bound to loopback, any otherwise")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--trusted-proxies", paramLabel = "CIDR", split = ",",
            description = "Comma-separated reverse proxies (addresses or CIDR blocks, e.g. 127.0.0.1,10.0.0.0/8) whose Forwarded and X-Forwarded-For/-Host/-Proto headers are believed: the public host and scheme for the origin and host checks, the client address for the session rate. Default: empty = none")
    List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--max-message-bytes", paramLabel = "N", defaultValue = "262144",
            description = "Largest single message (either direction, either transport). Default: ${DEFAULT-VALUE}")
    int maxMessageBytes;

    @Option(names = "--max-request-bytes", paramLabel = "N",
            description = "Largest long-polling request body; at least 6 x the message limit + 130, so every message fits one request. Default: empty = 6 x the message limit + 130")
    Integer maxRequestBytes;

    @Option(names = "--max-queued-messages", paramLabel = "N", defaultValue = "4096",
            description = "Unacknowledged messages kept per session; past it the session closes (4002). Default: ${DEFAULT-VALUE}")
    int maxQueuedMessages;

    @Option(names = "--max-queued-bytes", paramLabel = "N", defaultValue = "8388608",
            description = "Unacknowledged payload bytes kept per session; past it the session closes (4002). Default: ${DEFAULT-VALUE}")
    long maxQueuedBytes;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "100000",
            description = "Sessions per server; past it new sessions get server_full. Default: ${DEFAULT-VALUE}")
    int maxSessions;

    @Option(names = "--max-batch-frames", paramLabel = "N", defaultValue = "1000",
            description = "Frames in one long-polling request; past it the request gets too_large. Default: ${DEFAULT-VALUE}")
    int maxBatchFrames;

    @Option(names = "--new-sessions-per-second", paramLabel = "RATE", defaultValue = "20",
            description = "New sessions per second per client address; past it rate_limited (429 / 4429). Default: ${DEFAULT-VALUE}")
    double newSessionsPerSecond;

    @Option(names = "--new-session-burst", paramLabel = "N", defaultValue = "50",
            description = "New sessions one address may open at once before the rate applies. Default: ${DEFAULT-VALUE}")
    int newSessionBurst;

    @Option(names = "--tls-port", paramLabel = "PORT",
            description = "Serve https/wss on this port too (needs --tls-cert and --tls-key, or --tls-keystore). Default: no TLS")
    Integer tlsPort;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain for TLS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key (BEGIN PRIVATE KEY) for TLS.")
    Path tlsKey;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "PKCS#12 keystore for TLS (instead of --tls-cert/--tls-key).")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD",
            description = "Password of the PKCS#12 keystore. Default: empty")
    String tlsKeystorePassword;

    @Option(names = "--tls-client-auth", paramLabel = "MODE", defaultValue = "none",
            description = "Ask TLS clients for a certificate: none, want (asked for; the authenticator sees it, or its absence) or need"
                    + " (the handshake fails without one the trust store accepts); want and need need a trust store. Default: ${DEFAULT-VALUE}")
    String tlsClientAuth;

    @Option(names = "--tls-truststore", paramLabel = "FILE",
            description = "The CAs that vouch for client certificates: PEM certificates or a PKCS#12 trust store. Default: empty")
    Path tlsTruststore;

    @Option(names = "--tls-truststore-password", paramLabel = "PASSWORD",
            description = "Password of a PKCS#12 trust store. Default: empty")
    String tlsTruststorePassword;

    @Option(names = "--no-http", description = "Serve only TLS (needs --tls-port).")
    boolean noHttp;

    @Option(names = "--no-http2", description = "Serve HTTP/1.1 only: no h2c on the plain port, no h2 (ALPN) on the TLS port.")
    boolean noHttp2;

    @Option(names = "--stats",
            description = "Serve {prefix}/stats: live counters per transport, for the A/B page (ab.html) and the benchmark.")
    boolean stats;

    @Option(names = "--metrics",
            description = "Serve {prefix}/metrics: the same counters as {prefix}/stats, and the JVM's, in the Prometheus text format.")
    boolean metrics;

    @Option(names = "--ab-polling-share", paramLabel = "SHARE", defaultValue = "0",
            description = "A/B: the share (0 to 1) of new sessions put in the polling cohort (sticky: they never use WebSocket), "
                    + "the rest in the control cohort; /stats, the metrics and ab.html show both. Default: ${DEFAULT-VALUE} = no split")
    double abPollingShare;

    @Option(names = "--stats-token-file", paramLabel = "FILE",
            description = "When statistics or metrics are served: require Authorization: Bearer TOKEN, TOKEN being this file's first line (or the environment variable "
                    + STATS_TOKEN_ENV + "). Default: empty = no token")
    Path statsTokenFile;

    @Option(names = "--drain", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "On shutdown, how long to wait for the close frames (4003) to reach the clients. Default: ${DEFAULT-VALUE}")
    Duration drain;

    @Option(names = "--ticker-interval", paramLabel = "DURATION", defaultValue = "500ms", converter = DurationConverter.class,
            description = "Demo: how often the live ticker broadcasts prices. Default: ${DEFAULT-VALUE}")
    Duration tickerInterval;

    @Option(names = "--cometd-js", paramLabel = "DIR",
            description = "Demo: serve the official CometD JavaScript client from this folder (an npm-installed node_modules/cometd) at /vendor/cometd/, for the CometD chat page. Default: not served")
    Path cometdJs;

    @Option(names = "--redis", paramLabel = "URI",
            description = "Keep sessions in this Redis (redis://host:port), so that several nodes share them and a session outlives its node (docs/SCALE_OUT.md). Default: empty = in memory, one node")
    String redis;

    @Option(names = "--node-url", paramLabel = "URL",
            description = "With --redis: this node's address as the other nodes reach it (http://host:port), where they forward long-polling requests for its sessions. Default: empty = not forwarded to (clients are told to attach again)")
    String nodeUrl;

    /** Checks what the types alone cannot; the message names the option. */
    void validate() {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535, not " + port);
        if (host.isBlank()) throw new IllegalArgumentException("--host must not be empty");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("--prefix must look like /bridge (a leading /, no trailing /), not '" + prefix + "'");
        }
        requirePositive(acceptQueue, "--accept-queue");
        requirePositive(pollTimeout, "--poll-timeout");
        requirePositive(heartbeat, "--heartbeat");
        if (grace.isZero() || grace.isNegative()) {
            throw new IllegalArgumentException("--grace must be above zero: with none, a session ends the moment its transport drops,"
                    + " and a client that reconnects (a network blip, a transport switch) finds it gone");
        }
        belowProxyIdleCut(pollTimeout, "--poll-timeout", "a held poll is an idle connection");
        belowProxyIdleCut(heartbeat, "--heartbeat", "the heartbeat is what keeps a quiet WebSocket from looking idle");
        requirePositive(tickerInterval, "--ticker-interval");
        requirePositive(maxMessageBytes, "--max-message-bytes");
        if (maxRequestBytes != null && maxRequestBytes < BridgeConfig.requestBytesFor(maxMessageBytes)) {
            throw new IllegalArgumentException("--max-request-bytes " + maxRequestBytes + " cannot carry a message of --max-message-bytes "
                    + maxMessageBytes + " (JSON escaping can grow text sixfold): use at least " + BridgeConfig.requestBytesFor(maxMessageBytes));
        }
        requirePositive(maxQueuedMessages, "--max-queued-messages");
        requirePositive(maxQueuedBytes, "--max-queued-bytes");
        requirePositive(maxSessions, "--max-sessions");
        requirePositive(maxBatchFrames, "--max-batch-frames");
        requirePositive(newSessionBurst, "--new-session-burst");
        if (!(newSessionsPerSecond > 0)) throw new IllegalArgumentException("--new-sessions-per-second must be above zero");
        if (!(abPollingShare >= 0 && abPollingShare <= 1)) throw new IllegalArgumentException("--ab-polling-share must be from 0 to 1, not " + abPollingShare);
        if (tlsPort != null) {
            if (tlsPort < 0 || tlsPort > 65535) throw new IllegalArgumentException("--tls-port must be 0..65535, not " + tlsPort);
            boolean pem = tlsCert != null && tlsKey != null;
            if (pem == (tlsKeystore != null)) {
                throw new IllegalArgumentException("--tls-port needs either --tls-cert and --tls-key, or --tls-keystore");
            }
        } else if (tlsCert != null || tlsKey != null || tlsKeystore != null) {
            throw new IllegalArgumentException("TLS files given without --tls-port");
        }
        if (noHttp && tlsPort == null) throw new IllegalArgumentException("--no-http needs --tls-port");
        TlsOptions.ClientAuth clientAuth = clientAuth();
        if (clientAuth != TlsOptions.ClientAuth.NONE && (tlsPort == null || tlsTruststore == null)) {
            throw new IllegalArgumentException("--tls-client-auth " + tlsClientAuth + " needs --tls-port and --tls-truststore (the CAs of the client certificates)");
        }
        if (clientAuth == TlsOptions.ClientAuth.NONE && tlsTruststore != null) {
            throw new IllegalArgumentException("--tls-truststore is only read with --tls-client-auth want or need");
        }
        if (redis != null && !redis.matches("rediss?://.+")) throw new IllegalArgumentException("--redis must look like redis://host:port, not '" + redis + "'");
        if (nodeUrl != null && (redis == null || !nodeUrl.matches("https?://[^/]+"))) {
            throw new IllegalArgumentException("--node-url needs --redis and must look like http://host:port, not '" + nodeUrl + "'");
        }
        if (cometdJs != null && !java.nio.file.Files.isRegularFile(cometdJs.resolve("cometd.js"))) {
            throw new IllegalArgumentException("--cometd-js: no cometd.js in " + cometdJs + " (npm install cometd, then name node_modules/cometd)");
        }
        try {
            HostPolicy.of(host, allowedHosts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--allowed-hosts: " + e.getMessage());
        }
        try {
            new AddressSet(trustedProxies);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--trusted-proxies: " + e.getMessage());
        }
        if (statsTokenFile != null && !stats && !metrics) throw new IllegalArgumentException("--stats-token-file needs --stats or --metrics");
        if (statsTokenFile != null) statsToken(); // readable and not empty
        for (String origin : allowedOrigins) {
            if (!origin.equals("*") && !origin.equals("null") && OriginSyntax.canonical(origin) == null) {
                throw new IllegalArgumentException("--allowed-origins: '" + origin + "' is not an origin like"
                        + " https://app.example.com[:port] (scheme://host[:port], nothing else), * or null");
            }
        }
    }

    /** Proxies and load balancers commonly cut idle HTTP connections at 60 s (nginx, cloud balancers); some at 55. */
    static final Duration PROXY_IDLE_CUT = Duration.ofSeconds(55);

    private static void belowProxyIdleCut(Duration d, String option, String why) {
        if (d.compareTo(PROXY_IDLE_CUT) > 0) {
            throw new IllegalArgumentException(option + " " + DurationConverter.format(d) + " is above " + PROXY_IDLE_CUT.toSeconds()
                    + "s: " + why + ", and common proxies and load balancers cut idle connections at 55-60 s (nginx proxy_read_timeout,"
                    + " cloud load balancers), which clients would see as failures. Use at most " + PROXY_IDLE_CUT.toSeconds() + "s");
        }
    }

    private static void requirePositive(Duration d, String option) {
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(option + " must be above zero");
    }

    private static void requirePositive(long n, String option) {
        if (n < 1) throw new IllegalArgumentException(option + " must be at least 1, not " + n);
    }

    /** The session core's settings; what the command line does not set keeps the core's default. */
    public BridgeConfig toBridgeConfig() {
        BridgeConfig.Builder b = BridgeConfig.builder();
        if (maxRequestBytes != null) b.maxRequestBytes(maxRequestBytes);
        return b
                .pollTimeout(pollTimeout)
                .heartbeatInterval(heartbeat)
                .gracePeriod(grace)
                .allowedOrigins(List.copyOf(allowedOrigins))
                .maxMessageBytes(maxMessageBytes)
                .maxQueuedMessages(maxQueuedMessages)
                .maxQueuedBytes(maxQueuedBytes)
                .maxSessions(maxSessions)
                .maxBatchFrames(maxBatchFrames)
                .newSessionsPerSecond(newSessionsPerSecond)
                .newSessionBurst(newSessionBurst)
                .abPollingShare(abPollingShare)
                .build();
    }

    /**
     * The token {prefix}/stats requires: the first line of --stats-token-file, else the environment
     * variable, else null (none).
     */
    public String statsToken() {
        if (statsTokenFile != null) {
            String line;
            try (var lines = Files.lines(statsTokenFile)) {
                line = lines.findFirst().orElse("").strip();
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalArgumentException("--stats-token-file: cannot read " + statsTokenFile + ": " + e.getMessage());
            }
            if (line.isEmpty()) throw new IllegalArgumentException("--stats-token-file: " + statsTokenFile + " has no token on its first line");
            return line;
        }
        String fromEnv = env.apply(STATS_TOKEN_ENV);
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
    }

    /** The environment (tests replace it). */
    Function<String, String> env = System::getenv;

    public boolean stats() { return stats; }
    public boolean metrics() { return metrics; }
    public List<String> allowedHosts() { return List.copyOf(allowedHosts); }
    public List<String> trustedProxies() { return List.copyOf(trustedProxies); }
    public String host() { return host; }
    public int port() { return port; }
    public int acceptQueue() { return acceptQueue; }
    public String prefix() { return prefix; }
    public Duration drain() { return drain; }
    public boolean plainHttp() { return !noHttp; }
    public boolean http2() { return !noHttp2; }

    /** The TLS settings, or null without --tls-port. */
    public TlsOptions tls() {
        if (tlsPort == null) return null;
        TlsOptions identity = tlsKeystore != null ? TlsOptions.pkcs12(tlsPort, tlsKeystore, tlsKeystorePassword)
                : TlsOptions.pem(tlsPort, tlsCert, tlsKey);
        return clientAuth() == TlsOptions.ClientAuth.NONE ? identity
                : identity.withClientAuth(clientAuth(), tlsTruststore, tlsTruststorePassword);
    }

    /** --tls-client-auth as the enum; a value that is none of none/want/need is refused with the reason. */
    TlsOptions.ClientAuth clientAuth() {
        return switch (tlsClientAuth == null ? "none" : tlsClientAuth) {
            case "none" -> TlsOptions.ClientAuth.NONE;
            case "want" -> TlsOptions.ClientAuth.WANT;
            case "need" -> TlsOptions.ClientAuth.NEED;
            default -> throw new IllegalArgumentException("--tls-client-auth must be none, want or need, not '" + tlsClientAuth + "'");
        };
    }
    public Duration tickerInterval() { return tickerInterval; }
    /** The folder of the official CometD JavaScript client to serve, or null. */
    public Path cometdJs() { return cometdJs; }

    public String redis() { return redis; }

    public String nodeUrl() { return nodeUrl; }
}
