package io.cometbridge.client;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.SessionClosedException;
import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;
import io.cometbridge.channel.ReplayBuffer;
import io.cometbridge.util.SerialExecutor;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Java client: one session with a Comet Bridge server over WebSocket or long-polling, with
 * the same exactly-once, in-order guarantees as the server (docs/PROTOCOL.md section 2).
 *
 * <p>It tries the transports in the configured order, falls back when one fails, resumes its
 * session after a dropped connection, and moves to another transport on demand
 * ({@link #switchTo}). When the server no longer knows the session, it starts a new one and says
 * so through {@link Listener#onSessionLost}.
 *
 * <p>All state is confined to one serial executor; listener callbacks run there, one at a time.
 */
public final class BridgeClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BridgeClient.class.getName());
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bridge-client-timer");
        t.setDaemon(true);
        return t;
    });

    /** What the application hears. Callbacks run one at a time on the client's executor. */
    public interface Listener {
        /** A session opened (a new one: not called when the same session resumes). */
        default void onOpen(BridgeClient client) {
        }

        void onMessage(BridgeClient client, Message message);

        /** The session ended for good; the client will not reconnect. */
        default void onClose(BridgeClient client, CloseReason reason) {
        }

        /** The session now rides on another transport. */
        default void onTransportChange(BridgeClient client, TransportKind transport) {
        }

        /**
         * The server no longer knows the session (its grace period ran out). Unacknowledged sends
         * failed; the client opens a new session next ({@link #onOpen} follows).
         */
        default void onSessionLost(BridgeClient client, String reason) {
        }
    }

    public enum State { CONNECTING, OPEN, RECONNECTING, CLOSED }

    private static final int MAX_FRAMES_PER_SEND = 500;

    private final URI httpBase;
    private final URI wsUri;
    private final List<TransportKind> order;
    private final String origin;
    private final HttpClient http;
    private final Listener listener;
    private final SerialExecutor executor;
    private final Duration connectTimeout;
    private final Duration openTimeout;
    private final Duration ackDelay = Duration.ofMillis(25);

    private volatile State state = State.CONNECTING;
    private volatile TransportKind transportKind;
    private volatile String sessionId;

    // ---- confined to the executor ----
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    private ReplayBuffer outbound;
    private final ArrayDeque<Frame> controls = new ArrayDeque<>();
    private volatile long lastReceived; // the poll loop reads it from its own thread
    private long lastAckSent;
    private boolean ackTimerArmed;
    private ClientTransport current;   // attached (open received)
    private ClientTransport pending;   // attaching
    private TransportKind pendingKind;
    private int failuresInRow;
    private long heartbeatMillis = 15_000;
    private long lastHeardNanos = System.nanoTime();
    private boolean everOpened;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private CompletableFuture<Void> switched;
    private ScheduledFuture<?> watchdog;

    private BridgeClient(Builder b) {
        String base = b.uri.toString().endsWith("/") ? b.uri.toString() : b.uri + "/";
        this.httpBase = URI.create(base);
        this.wsUri = b.webSocketUri != null ? b.webSocketUri : URI.create(base.replaceFirst("^http", "ws") + "ws");
        this.order = List.copyOf(b.order);
        this.origin = b.origin;
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
        this.listener = b.listener;
        this.executor = new SerialExecutor(b.executor);
        this.connectTimeout = b.connectTimeout;
        this.openTimeout = b.openTimeout;
        this.maxQueuedMessages = b.maxQueuedMessages;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.outbound = new ReplayBuffer(maxQueuedMessages, maxQueuedBytes);
    }

    public static Builder builder(URI bridgeUri) {
        return new Builder(bridgeUri);
    }

    // ================================================================ public API

    /**
     * Opens the session; the future completes when the first transport is attached, or fails after
     * the open timeout (the client keeps trying in the background until {@link #close()}).
     */
    public CompletableFuture<Void> connect() {
        executor.execute(() -> {
            if (current == null && pending == null && state != State.CLOSED) {
                watchdog = TIMERS.scheduleWithFixedDelay(() -> executor.execute(this::checkHeartbeat), 1, 1, TimeUnit.SECONDS);
                attachWith(order.get(0));
            }
        });
        TIMERS.schedule(() -> connected.completeExceptionally(new java.util.concurrent.TimeoutException(
                "no session within " + openTimeout.toMillis() + " ms")), openTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return connected;
    }

    /** Queues a message; completes when the server acknowledges it. Never blocks. */
    public CompletableFuture<Void> send(Message message) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        executor.execute(() -> {
            if (state == State.CLOSED) {
                acked.completeExceptionally(new SessionClosedException(CloseReason.CLIENT_CLOSED));
            } else if (!outbound.offer(message, acked)) {
                acked.completeExceptionally(new IllegalStateException("send queue full (" + outbound.size() + " messages unacknowledged)"));
            } else {
                flush();
            }
        });
        return acked;
    }

    public CompletableFuture<Void> send(String text) {
        return send(Message.text(text));
    }

    /** Moves the session to another transport; completes once it is attached there. */
    public CompletableFuture<Void> switchTo(TransportKind kind) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            if (state == State.CLOSED) {
                done.completeExceptionally(new IllegalStateException("closed"));
            } else if (current != null && current.kind() == kind && pending == null) {
                done.complete(null);
            } else {
                if (switched != null) switched.completeExceptionally(new IllegalStateException("superseded"));
                switched = done;
                attachWith(kind);
            }
        });
        return done;
    }

    /** Closes the session (code 1000); the server's application is told. */
    @Override
    public void close() {
        executor.execute(() -> {
            if (state == State.CLOSED) return;
            ClientTransport t = current;
            if (t != null) {
                controls.clear();
                t.send(List.of(new Frame.Close(CloseReason.CLIENT_CLOSED.code(), CloseReason.CLIENT_CLOSED.reason())));
            }
            TIMERS.schedule(() -> executor.execute(() -> { if (t != null) t.stop(); }), 200, TimeUnit.MILLISECONDS);
            finish(CloseReason.CLIENT_CLOSED, false);
        });
    }

    public State state() {
        return state;
    }

    /** The transport the session rides on now (null while reconnecting). */
    public TransportKind transport() {
        return transportKind;
    }

    public String sessionId() {
        return sessionId;
    }

    /** A diagnostic snapshot (racy reads; for logs and test failures). Never prints the session id. */
    @Override
    public String toString() {
        ClientTransport t = current;
        return "BridgeClient[" + state + " on " + transportKind + ", current " + t + (t != null ? " canSend=" + t.canSend() : "")
                + ", pending " + pending + ", received " + lastReceived + ", unacked " + outbound.size()
                + ", unsent " + outbound.hasUnsent() + ", failures " + failuresInRow + "]";
    }

    /** Test hook: the current connection dies abruptly (no close frame, held poll aborted). */
    public void killTransport() {
        executor.execute(() -> {
            if (current != null) current.kill();
        });
    }

    /** Test hook: the next non-empty poll response is lost after the server wrote it. */
    public void dropNextPollResponse() {
        executor.execute(() -> {
            if (current instanceof PollingClientTransport p) p.dropNextPollResponse();
        });
    }

    // ================================================================ transport events

    private final ClientTransport.Owner owner = new ClientTransport.Owner() {
        @Override
        public void onFrames(ClientTransport from, List<Frame> frames, Runnable thenRun) {
            executor.execute(() -> {
                frames(from, frames);
                if (thenRun != null) thenRun.run();
            });
        }

        @Override
        public void onTransportFailed(ClientTransport from, Throwable cause) {
            executor.execute(() -> transportFailed(from, cause));
        }

        @Override
        public void onServerError(ClientTransport from, BridgeException error) {
            executor.execute(() -> serverError(from, error));
        }

        @Override
        public void onSendComplete(ClientTransport from) {
            executor.execute(BridgeClient.this::flush);
        }

        @Override
        public void onSendFailed(ClientTransport from) {
            executor.execute(() -> {
                outbound.rewindTo(outboundAcked());
                TIMERS.schedule(() -> executor.execute(BridgeClient.this::flush), 100, TimeUnit.MILLISECONDS);
            });
        }

        @Override
        public long lastReceived() {
            return lastReceived; // the poll loop reads it after its frames were processed
        }
    };

    private void attachWith(TransportKind kind) {
        if (pending != null) pending.stop();
        pendingKind = kind;
        ClientTransport t = kind == TransportKind.WEBSOCKET
                ? new WebSocketClientTransport(http, wsUri, origin, connectTimeout, owner)
                : new PollingClientTransport(http, httpBase, origin, Duration.ofSeconds(20), owner);
        pending = t;
        try {
            t.start(new Frame.Attach(sessionId, lastReceived));
        } catch (RuntimeException e) { // a bad URI or a client refusing the request: same as a failed connect
            transportFailed(t, e);
        }
    }

    private void frames(ClientTransport from, List<Frame> frames) {
        if (state == State.CLOSED) return;
        if (from != current && from != pending) {
            // A replaced transport may still bring data in flight; data is idempotent, the rest is stale.
            for (Frame f : frames) if (f instanceof Frame.Data d) onData(d);
            return;
        }
        if (from == current) lastHeardNanos = System.nanoTime();
        for (Frame f : frames) {
            if (f instanceof Frame.Data d) {
                onData(d);
            } else if (f instanceof Frame.Open o) {
                onOpen(from, o);
            } else if (f instanceof Frame.Ack a) {
                if (a.ack() <= outbound.lastAssigned()) outbound.acknowledge(a.ack());
            } else if (f instanceof Frame.Ping p) {
                controls.add(new Frame.Pong(p.ts()));
            } else if (f instanceof Frame.Close c) {
                finish(new CloseReason(c.code(), c.reason()), true);
                return;
            }
        }
        afterInbound();
    }

    private void onOpen(ClientTransport from, Frame.Open open) {
        if (from != pending) return;
        ClientTransport old = current;
        current = from;
        pending = null;
        if (old != null) old.stop();
        sessionId = open.sid();
        heartbeatMillis = open.heartbeatMillis();
        lastHeardNanos = System.nanoTime();
        failuresInRow = 0;
        outbound.acknowledge(open.ack());
        outbound.rewindTo(open.ack());
        lastAckSent = lastReceived;
        controls.clear();
        state = State.OPEN;
        TransportKind before = transportKind;
        transportKind = from.kind();
        if (!everOpened || !open.resumed()) {
            everOpened = true;
            connected.complete(null);
            callback(() -> listener.onOpen(this));
        }
        if (before != from.kind()) callback(() -> listener.onTransportChange(this, from.kind()));
        if (switched != null) {
            switched.complete(null);
            switched = null;
        }
    }

    private void onData(Frame.Data d) {
        if (d.ack() >= 0 && d.ack() <= outbound.lastAssigned()) outbound.acknowledge(d.ack());
        if (d.seq() <= lastReceived) {
            // A duplicate of a resend: drop it and acknowledge again (PROTOCOL.md section 2, rule 2).
            // The server resends only what it believes we lack, e.g. messages that reached us on a
            // transport being replaced after our attach named an older last; without a fresh ack
            // their send futures on the server would never complete.
            lastAckSent = Math.min(lastAckSent, d.seq() - 1);
            return;
        }
        if (d.seq() != lastReceived + 1) {
            LOG.warning("gap in server sequence: expected " + (lastReceived + 1) + ", got " + d.seq());
            return; // dropped; the next attach resends from lastReceived
        }
        lastReceived = d.seq();
        callback(() -> listener.onMessage(this, d.message()));
    }

    private void afterInbound() {
        ClientTransport t = current;
        if (t != null && t.kind() == TransportKind.WEBSOCKET && lastReceived > lastAckSent) {
            if (lastReceived - lastAckSent >= 32) {
                queueAck();
            } else if (!ackTimerArmed) {
                ackTimerArmed = true;
                TIMERS.schedule(() -> executor.execute(() -> {
                    ackTimerArmed = false;
                    if (lastReceived > lastAckSent) {
                        queueAck();
                        flush();
                    }
                }), ackDelay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        flush();
    }

    private void queueAck() {
        controls.add(new Frame.Ack(lastReceived));
        lastAckSent = lastReceived;
    }

    private void flush() {
        ClientTransport t = current;
        if (t == null || state != State.OPEN || !t.canSend()) return;
        if (controls.isEmpty() && !outbound.hasUnsent()) return;
        if (t.kind() == TransportKind.WEBSOCKET) {
            while (!controls.isEmpty()) t.send(List.of(controls.poll()));
            while (outbound.hasUnsent()) t.send(List.of(nextData(true)));
        } else {
            List<Frame> batch = new ArrayList<>(controls);
            controls.clear();
            // Stay inside the server's default request limits (1 MiB, 1000 frames per request).
            long budget = 256 * 1024;
            int frames = batch.size();
            while (outbound.hasUnsent() && budget > 0 && frames++ < MAX_FRAMES_PER_SEND) {
                budget -= outbound.peekUnsent().message().size() + 16;
                batch.add(nextData(false));
            }
            t.send(batch);
        }
    }

    private Frame.Data nextData(boolean piggyback) {
        ReplayBuffer.Entry e = outbound.nextUnsent();
        long ack = -1;
        if (piggyback && lastReceived > lastAckSent && !e.message().isBinary()) {
            ack = lastReceived;
            lastAckSent = lastReceived;
        }
        return new Frame.Data(e.seq(), e.message(), ack);
    }

    private long outboundAcked() {
        return outbound.lastAssigned() - outbound.size();
    }

    private void transportFailed(ClientTransport from, Throwable cause) {
        if (state == State.CLOSED) return;
        if (from == pending) {
            pending = null;
            failuresInRow++;
            LOG.log(Level.FINE, "attach over " + from + " failed", cause);
            reconnectLater(nextKindAfterFailure(from.kind()));
        } else if (from == current) {
            current = null;
            transportKind = null;
            state = State.RECONNECTING;
            failuresInRow++;
            LOG.log(Level.FINE, from + " failed", cause);
            if (pending == null) reconnectLater(failuresInRow <= 1 ? from.kind() : nextKindAfterFailure(from.kind()));
        }
    }

    /** Retry the same kind once, then move along the configured order. */
    private TransportKind nextKindAfterFailure(TransportKind failed) {
        if (switched != null && failuresInRow <= 1) return failed;
        int i = order.indexOf(failed);
        return order.get((i + 1) % order.size());
    }

    private void reconnectLater(TransportKind kind) {
        long delay = Math.min(2000, failuresInRow <= 1 ? 0 : 50L << Math.min(failuresInRow, 6));
        TIMERS.schedule(() -> executor.execute(() -> {
            if (state != State.CLOSED && pending == null && current == null) attachWith(kind);
            else if (state != State.CLOSED && switched != null && pending == null) attachWith(kind);
        }), delay, TimeUnit.MILLISECONDS);
    }

    private void serverError(ClientTransport from, BridgeException error) {
        if (state == State.CLOSED || (from != current && from != pending)) return;
        if (error.code() == ErrorCode.UNKNOWN_SESSION) {
            sessionLost(error.getMessage());
        } else if (error.code() == ErrorCode.ORIGIN_NOT_ALLOWED) {
            finish(new CloseReason(4403, error.getMessage()), false);
        } else {
            transportFailed(from, error);
        }
    }

    /** The server forgot us: fail what it never acknowledged, then start over with a new session. */
    private void sessionLost(String why) {
        if (current != null) current.stop();
        if (pending != null) pending.stop();
        TransportKind kind = current != null ? current.kind() : pendingKind != null ? pendingKind : order.get(0);
        current = null;
        pending = null;
        transportKind = null;
        sessionId = null;
        lastReceived = 0;
        lastAckSent = 0;
        controls.clear();
        outbound.failAll(f -> f.completeExceptionally(new SessionClosedException(new CloseReason(4001, why))));
        outbound = new ReplayBuffer(maxQueuedMessages, maxQueuedBytes); // a new session numbers from 1 again
        state = State.CONNECTING;
        callback(() -> listener.onSessionLost(this, why));
        attachWith(kind);
    }

    private void checkHeartbeat() {
        ClientTransport t = current;
        if (t == null || t.kind() != TransportKind.WEBSOCKET || state != State.OPEN) return;
        long silentMillis = (System.nanoTime() - lastHeardNanos) / 1_000_000;
        if (silentMillis > 2 * heartbeatMillis + 1000) {
            LOG.fine("no frame for " + silentMillis + " ms: the socket is dead");
            t.kill();
        }
    }

    private void finish(CloseReason reason, boolean fromServer) {
        state = State.CLOSED;
        transportKind = null;
        if (watchdog != null) watchdog.cancel(false);
        if (fromServer && current != null) current.stop();
        if (pending != null) pending.stop();
        outbound.failAll(f -> f.completeExceptionally(new SessionClosedException(reason)));
        connected.completeExceptionally(new SessionClosedException(reason));
        if (switched != null) switched.completeExceptionally(new SessionClosedException(reason));
        callback(() -> listener.onClose(this, reason));
    }

    private void callback(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "listener failed", e);
        }
    }

    public static final class Builder {
        private final URI uri;
        private List<TransportKind> order = List.of(TransportKind.WEBSOCKET, TransportKind.POLLING);
        private Listener listener = (c, m) -> { };
        private String origin;
        private HttpClient http;
        private Executor executor = SHARED_POOL;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int maxQueuedMessages = 4096;
        private long maxQueuedBytes = 8L * 1024 * 1024;
        private URI webSocketUri;
        private Duration openTimeout = Duration.ofSeconds(30);

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri);
        }

        /** Transports in the order to try (default WebSocket, then polling). */
        public Builder transports(TransportKind... kinds) {
            this.order = List.of(kinds);
            return this;
        }

        public Builder listener(Listener l) { this.listener = l; return this; }
        /** Where the WebSocket endpoint is, when not at {@code {uri}/ws} (e.g. wss on another port). */
        public Builder webSocketUri(URI uri) { this.webSocketUri = uri; return this; }
        /** An Origin header to send (browsers always do; the server checks it when present). */
        public Builder origin(String origin) { this.origin = origin; return this; }
        public Builder httpClient(HttpClient http) { this.http = http; return this; }
        public Builder executor(Executor executor) { this.executor = executor; return this; }
        public Builder connectTimeout(Duration d) { this.connectTimeout = d; return this; }
        /** How long {@link #connect()} waits for the first session before its future fails. */
        public Builder openTimeout(Duration d) { this.openTimeout = d; return this; }
        public Builder maxQueuedMessages(int n) { this.maxQueuedMessages = n; return this; }
        public Builder maxQueuedBytes(long n) { this.maxQueuedBytes = n; return this; }

        public BridgeClient build() {
            return new BridgeClient(this);
        }
    }

    private static final Executor SHARED_POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bridge-client");
        t.setDaemon(true);
        return t;
    });
}
