package io.cometbridge.gateway;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.CloseReason;
import io.cometbridge.protocol.Message;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Gateway mode (docs/GATEWAY.md): the bridge's application is an existing WebSocket service it
 * cannot change. Every session opens its own upstream WebSocket when it opens and relays messages
 * both ways as they are, text as text and binary as binary, so the service gains the long-polling
 * fallback, exactly-once delivery across client reconnects and transport switches, and the
 * bridge's statistics, without a code change.
 *
 * <p>One Jetty {@link WebSocketClient} (non-blocking, explicit demand) carries every upstream; no
 * thread is held per session. Backpressure is bounded both ways ({@link UpstreamLink}).
 */
public final class Gateway implements BridgeHandler, AutoCloseable {
    /** Session close code: the upstream closed the connection or it died; the reason has its code and reason. */
    public static final int UPSTREAM_CLOSED = 4010;
    /** Session close code: no upstream connection could be made (refused, unreachable, or not back in time). */
    public static final int UPSTREAM_UNREACHABLE = 4011;

    private static final String LINK = UpstreamLink.class.getName(); // session attribute

    private final GatewayConfig config;
    private final WebSocketClient client;
    private final ScheduledExecutorService timers;
    private final GatewayStats stats = new GatewayStats();
    private final Set<String> attachHeaders;

    /** Starts the WebSocket client; {@link #close()} stops it. */
    public Gateway(GatewayConfig config) throws Exception {
        this.config = config;
        this.attachHeaders = UpstreamRequest.headersNeeded(config);
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("gateway-upstream");
        threads.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(threads);
        connector.setSslContextFactory(UpstreamTls.factory(config));
        connector.setConnectTimeout(config.connectTimeout());
        HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        this.client = new WebSocketClient(http);
        client.setIdleTimeout(Duration.ZERO); // an upstream may be quiet for long; pings keep the path open
        client.setConnectTimeout(config.connectTimeout().toMillis());
        // Jetty counts UTF-8 bytes, the bridge UTF-16 units (at most 3 bytes each): the link checks the bridge's limit.
        client.setMaxTextMessageSize(3L * config.maxMessageBytes());
        client.setMaxBinaryMessageSize(config.maxMessageBytes());
        client.setStopAtShutdown(false);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = Executors.defaultThreadFactory().newThread(r);
            th.setName("gateway-timer");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true); // a closed session's ping task must not linger
        this.timers = t;
        client.start();
    }

    public GatewayConfig config() {
        return config;
    }

    public GatewayStats stats() {
        return stats;
    }

    // ---------------------------------------------------------------- BridgeHandler

    /** The upstream connects when the session opens (not on the first message): a service may speak first. */
    @Override
    public void onOpen(BridgeSession session) {
        UpstreamLink link = new UpstreamLink(this, session);
        session.attributes().put(LINK, link);
        link.open();
    }

    @Override
    public void onMessage(BridgeSession session, Message message) {
        UpstreamLink link = (UpstreamLink) session.attributes().get(LINK);
        if (link != null) link.toUpstream(message);
    }

    @Override
    public void onClose(BridgeSession session, CloseReason reason) {
        UpstreamLink link = (UpstreamLink) session.attributes().remove(LINK);
        if (link != null) link.sessionClosed(reason);
    }

    @Override
    public Set<String> attachHeaders() {
        return attachHeaders;
    }

    // ---------------------------------------------------------------- for the links

    WebSocketClient client() {
        return client;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /** Stops the WebSocket client (open upstream connections end) and the timers. */
    @Override
    public void close() throws Exception {
        timers.shutdownNow();
        client.stop();
    }

    @Override
    public String toString() {
        return "Gateway[" + describe(config.upstream()) + ", " + stats + "]";
    }

    /** An upstream URL for logs and start lines: no user info or query, which may carry credentials. */
    public static String describe(java.net.URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + (u.getRawPath() == null ? "" : u.getRawPath());
    }
}
