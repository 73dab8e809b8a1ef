package io.cometbridge.client;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.SessionClosedException;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient.State;
import io.cometbridge.channel.Channel;
import io.cometbridge.channel.ChannelPolicy;
import io.cometbridge.channel.Framing;
import io.cometbridge.channel.Heartbeat;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;
import io.cometbridge.util.SerialExecutor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's session: the delivery {@link Channel} (the same rules as the server's), the
 * transport carrying it and the one attaching, and the lifecycle: fall back along the configured
 * order, resume after a dropped connection, switch on demand, start anew when the server forgot
 * the session. {@link BridgeClient} is its public face.
 *
 * <p>All state is confined to one serial executor; listener callbacks run there, one at a time.
 */
final class ClientSession {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeClient.class);
    /** A batch stays this far below the server's request limit (brackets, the ack frame). */
    private static final int BATCH_SLACK_BYTES = 256;
    /** Beyond the connect timeout, how long an attach may wait for its open frame. */
    private static final Duration ATTACH_SLACK = Duration.ofSeconds(10);
    /** How long a closing client keeps its transport for the close frame to leave. */
    private static final long CLOSE_LINGER_MILLIS = 200;
    /** A transport attached this long has worked: failures after it retry at once again. */
    private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Owing acknowledgements and hearing nothing for this long, a client pings to test its WebSocket. */
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final BridgeClient client;
    private final ClientConfig config;
    private final ClientEvents events;
    private final SerialExecutor executor;
    private final TransportFactory transports;
    private final IdleCuts idleCuts;
    private final WebSocketProbes probes;

    private volatile State state = State.CONNECTING;
    private volatile TransportKind transportKind;
    private volatile String sessionId;

    // ---- confined to the executor ----
    private Channel<CompletableFuture<Void>> channel;
    private Heartbeat heartbeat;
    private ClientTransport current;   // attached (open received)
    private ClientTransport pending;   // attaching
    private ClientTransport previous;  // the one the last switch left: its frames in flight still count
    private TransportKind pendingKind;
    private Frame.Settings settings = Frame.Settings.DEFAULTS; // the server's, from its latest open frame
    private String resumeKey;          // from the latest open frame: proof at the next attach
    private final RetryPlan retries;
    private long attachedAt;           // when the current transport's open frame came
    private long lastSent;             // when frames last went out (with the heartbeat's last heard: the silence)
    private boolean everOpened;
    private boolean ackCheckPending;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private CompletableFuture<Void> switched;
    private java.util.concurrent.ScheduledFuture<?> watchdog;

    ClientSession(BridgeClient client, ClientConfig config) {
        this.client = client;
        this.config = config;
        this.events = new ClientEvents(client, config.listener());
        this.executor = new SerialExecutor(config.executor());
        this.idleCuts = new IdleCuts(config.memory(), config.httpBase().toString(), events);
        this.transports = new TransportFactory(config, new TransportEvents(this, executor), idleCuts);
        TransportMemory remembered = new TransportMemory(config.memory(), config.httpBase().toString(), config.probes().rememberFor());
        this.retries = new RetryPlan(remembered.startOrder(config.order()));
        this.probes = new WebSocketProbes(config.probes(), config.order(), remembered, events, this::later, this::probeDue);
        this.channel = newChannel();
        this.heartbeat = new Heartbeat(Duration.ofSeconds(15).toNanos(), Heartbeat.CLIENT_SLACK_NANOS, System.nanoTime());
    }

    private Channel<CompletableFuture<Void>> newChannel() {
        return new Channel<>(new ChannelPolicy(ChannelPolicy.DEFAULT_ACK_DELAY, ChannelPolicy.DEFAULT_ACK_EVERY,
                Integer.MAX_VALUE, config.maxQueuedMessages(), config.maxQueuedBytes()), events);
    }

    // ================================================================ what BridgeClient asks

    /**
     * Opens the session; the future completes when the first transport is attached, or fails after
     * the open timeout (the client keeps trying in the background until {@link #close()}).
     */
    CompletableFuture<Void> connect() {
        executor.execute(() -> {
            if (current == null && pending == null && state != State.CLOSED) {
                watchdog = ClientTimers.TIMERS.scheduleWithFixedDelay(() -> executor.executeLater(this::checkHeartbeat), 250, 250, TimeUnit.MILLISECONDS);
                attachWith(retries.first());
            }
        });
        later(config.openTimeout().toMillis(), () -> connected.completeExceptionally(
                new TimeoutException("no session within " + config.openTimeout().toMillis() + " ms")));
        return connected;
    }

    /** Queues a message; completes when the server acknowledges it. Never blocks. */
    CompletableFuture<Void> send(Message message) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        executor.execute(() -> {
            if (state == State.CLOSED) {
                acked.completeExceptionally(new SessionClosedException(CloseReason.CLIENT_CLOSED));
            } else if (message.size() > settings.maxMessageBytes()) {
                // Refused here, with the reason, rather than sent to be refused by the server.
                acked.completeExceptionally(new IllegalArgumentException("message of " + message.size()
                        + " above the server's limit of " + settings.maxMessageBytes() + (message.isBinary() ? " bytes" : " characters")));
            } else if (!channel.offer(message, acked)) {
                acked.completeExceptionally(new IllegalStateException("send queue full (" + channel.unacknowledged() + " messages unacknowledged)"));
            } else {
                flush();
            }
        });
        return acked;
    }

    /** Moves the session to another transport; completes once it is attached there. */
    CompletableFuture<Void> switchTo(TransportKind kind) {
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

    /**
     * Closes the session (code 1000); the server's application is told. Messages not yet
     * acknowledged fail; the close frame goes after what is already on the wire.
     */
    void close() {
        executor.execute(() -> {
            if (state == State.CLOSED) return;
            ClientTransport t = current;
            if (t != null) channel.close(new Frame.Close(CloseReason.CLIENT_CLOSED.code(), CloseReason.CLIENT_CLOSED.reason()));
            finish(CloseReason.CLIENT_CLOSED, false);
            flush();
            if (t != null) later(CLOSE_LINGER_MILLIS, t::stop);
        });
    }

    State state() { return state; }
    /** The transport the session rides on now (null while reconnecting). */
    TransportKind transport() { return transportKind; }
    String sessionId() { return sessionId; }

    /** A diagnostic snapshot (racy reads; for logs and test failures). Never prints the session id. */
    @Override
    public String toString() {
        ClientTransport t = current;
        return "BridgeClient[" + state + " on " + transportKind + ", current " + t + (t != null ? " canSend=" + t.canSend() : "")
                + ", pending " + pending + ", " + channel + ", failures " + retries.failuresInRow() + "]";
    }

    /** Fault injection: the current connection dies abruptly (no close frame, held poll aborted). */
    void killTransport() { executor.execute(() -> { if (current != null) current.kill(); }); }

    /** Fault injection: the next non-empty poll response is lost after the server wrote it. */
    void dropNextPollResponse() { executor.execute(() -> { if (current instanceof PollingClientTransport p) p.dropNextPollResponse(); }); }

    // ================================================================ transport events

    /** A polling send failed at the network level: send what was unacknowledged again, shortly. */
    void sendFailed(ClientTransport from) {
        if (from != current) return;
        channel.rewind();
        later(100, this::flush);
    }

    /** The acknowledgement a polling receive carries (everything received counts as acknowledged from now). */
    long takeAck() { return channel.takeAck(); }

    private void attachWith(TransportKind kind) {
        if (pending != null) pending.stop();
        pendingKind = kind;
        ClientTransport t = transports.create(kind);
        pending = t;
        try {
            String token = config.tokenProvider() == null ? null : config.tokenProvider().get(); // fresh at every attach
            t.start(new Frame.Attach(sessionId, resumeKey, channel.takeAck(), null, token));
        } catch (RuntimeException e) { // a bad URI, a client refusing the request, a failing token provider: a failed connect
            transportFailed(t, e);
            return;
        }
        // An attach that never answers (a handshake a proxy swallows) fails like any other.
        long bound = config.connectTimeout().plus(ATTACH_SLACK).toMillis();
        later(bound, () -> {
            if (pending != t) return;
            t.stop();
            transportFailed(t, new TimeoutException("no open frame within " + bound + " ms of the attach over " + t));
        });
    }

    /** Frames from a transport (on the executor). */
    void frames(ClientTransport from, List<Frame> frames) {
        if (state == State.CLOSED && !channel.closePending()) return;
        boolean live = from == current || from == pending;
        // The transport this session just left may still bring data or acks in flight: both are
        // idempotent. Anything else from elsewhere is stale (a transport of a lost session, say).
        if (!live && from != previous) return;
        long now = System.nanoTime();
        if (from == current) heartbeat.heard(now);
        try {
            for (Frame f : frames) {
                if (f instanceof Frame.Open o) {
                    if (from != pending || !opened(from, o)) return;
                } else if (f instanceof Frame.Close c) {
                    if (live) finish(new CloseReason(c.code(), c.reason()), true);
                    return;
                } else if (f instanceof Frame.Notice n && Frame.Notice.MOVE.equals(n.kind()) && from == current) {
                    // The server is going away (PROTOCOL.md 1.2): attach again at once, through the load balancer.
                    retries.progress();
                    from.stop();
                    transportFailed(from, new java.io.IOException("the server asked the client to move: " + n.reason()));
                    return;
                } else if (live || f instanceof Frame.Data || f instanceof Frame.Ack) {
                    // Notices and frame types of newer servers: nothing the Java client shows yet.
                    if (channel.receive(f, now) && from == current && (f instanceof Frame.Data || f instanceof Frame.Ack)) {
                        retries.progress();
                    }
                }
            }
        } catch (BridgeException e) {
            // A gap or an impossible ack: this transport is broken; re-attaching resends from where we are.
            LOG.debug("protocol error from the server over " + from, e);
            if (from == current || from == pending) {
                from.stop();
                transportFailed(from, e);
            }
            return;
        }
        afterInbound();
    }

    /** The server answered an attach; false if the session cannot go on (a new one is started). */
    private boolean opened(ClientTransport from, Frame.Open open) {
        if (open.resumed() && open.leavesGapAfter(channel.received())) {
            sessionLost("the server can no longer send messages " + (channel.received() + 1) + " to " + (open.next() - 1));
            return false;
        }
        try {
            channel.resume(open.ack());
        } catch (BridgeException e) { // the server says it has messages we never sent: not our session any more
            sessionLost("the server acknowledged messages this client never sent");
            return false;
        }
        channel.discardControls();
        previous = current;
        current = from;
        pending = null;
        if (previous != null) previous.stop();
        sessionId = open.sid();
        retries.cohort(open.pollingOnly(), !open.resumed()); // the server closes a WebSocket of the polling cohort next
        resumeKey = open.key();
        settings = open.settings();
        attachedAt = System.nanoTime();
        channel.useAckPolicy(Duration.ofMillis(settings.ackMillis()), settings.ackEvery());
        heartbeat = new Heartbeat(Duration.ofMillis(settings.heartbeatMillis()).toNanos(), Heartbeat.CLIENT_SLACK_NANOS, System.nanoTime());
        if (state == State.RECONNECTING && open.resumed()) events.reconnected(from.kind());
        state = State.OPEN;
        TransportKind before = transportKind;
        transportKind = from.kind();
        if (!everOpened || !open.resumed()) {
            everOpened = true;
            connected.complete(null);
            events.opened();
        }
        if (before != from.kind()) events.transportChanged(from.kind());
        probes.attached(from, switched != null);
        if (switched != null) switched.complete(null);
        switched = null;
        return true;
    }

    /** After frames came in: an owed ack on a stream transport waits for replies to ride on, then for its timer. */
    private void afterInbound() {
        ClientTransport t = current;
        if (t != null && t.framing() == Framing.STREAM && channel.ackOwed() && !ackCheckPending) {
            ackCheckPending = true;
            executor.execute(this::ackCheck);
        }
        flush();
    }

    private void ackCheck() {
        ackCheckPending = false;
        ClientTransport t = current;
        if (t == null || t.framing() != Framing.STREAM || !channel.ackOwed() || state != State.OPEN) return;
        long now = System.nanoTime();
        long due = channel.tick(now);
        flush();
        if (due != Long.MAX_VALUE) {
            ackCheckPending = true;
            later(TimeUnit.NANOSECONDS.toMillis(Math.max(0, due - now)) + 1, this::ackCheck);
        }
    }

    void flush() {
        ClientTransport t = current;
        if (t == null || (state != State.OPEN && !channel.closePending())) return;
        int maxBytes = Math.max(1, settings.maxRequestBytes() - BATCH_SLACK_BYTES);
        // A polling batch goes in an exchange that ends with an acknowledgement: leave it a frame.
        int maxFrames = Math.max(1, settings.maxBatchFrames() - (t.framing() == Framing.BATCH ? 1 : 0));
        for (; t.canSend() && channel.hasOutput(); lastSent = System.nanoTime()) t.send(channel.drain(t.framing(), maxBytes, maxFrames));
    }

    /** A held poll of {@code from} was cut after {@code heldMillis}: maybe an idle cut. */
    void idleCut(ClientTransport from, long heldMillis) {
        if (from == current && state == State.OPEN) idleCuts.cut(from.kind(), heldMillis, System.nanoTime());
    }

    void transportFailed(ClientTransport from, Throwable cause) {
        if (state == State.CLOSED) return;
        if (from == pending) {
            pending = null;
            LOG.debug("attach over " + from + " failed", cause);
            if (probes.attachFailed(from) && current != null) return; // a background probe: polling carries on
            reconnectLater(retries.failed(from.kind(), false, switched != null));
        } else if (from == current) {
            long now = System.nanoTime();
            boolean cut = from.framing() == Framing.STREAM && idleCuts.cut(from.kind(), (now - Math.max(heartbeat.lastHeard(), lastSent)) / 1_000_000, now);
            current = null;
            transportKind = null;
            state = State.RECONNECTING;
            LOG.debug(from + " failed", cause);
            TransportKind next = retries.failed(from.kind(), true, switched != null);
            if (probes.carrierLost(from, cut)) next = TransportKind.POLLING; // a useless WebSocket again: demoted
            if (pending == null) reconnectLater(next);
        }
    }

    /** A background probe is due: attach over WebSocket while polling still carries the session. */
    private void probeDue() {
        if (state != State.OPEN || current == null || current.kind() != TransportKind.POLLING || pending != null || switched != null) return;
        transports.probeNext();
        attachWith(TransportKind.WEBSOCKET);
        probes.started(pending);
    }

    private void reconnectLater(TransportKind kind) {
        long delay = retries.delayMillis();
        if (everOpened) events.reconnecting(kind, delay, retries.failuresInRow());
        later(delay, () -> {
            if (state == State.CLOSED || pending != null) return;
            if (current == null || switched != null) attachWith(kind);
        });
    }

    /** Runs {@code task} on the client's executor after {@code millis}: on the pool, never on the timer thread all clients share. */
    private void later(long millis, Runnable task) {
        ClientTimers.later(millis, () -> executor.executeLater(task));
    }

    /** The server (or a proxy) refused: retry, start a new session, or give up, as the code table says. */
    void refused(ClientTransport from, ServerRefusal refusal) {
        if (state == State.CLOSED || (from != current && from != pending)) return;
        if (refusal.code() == ErrorCode.POLLING_COHORT) retries.cohort(true, false); // retried over long-polling
        switch (refusal.action(everOpened)) {
            case NEW_SESSION -> sessionLost(refusal.getMessage());
            case GIVE_UP -> {
                LOG.debug("giving up: " + refusal);
                finish(new CloseReason(refusal.closeCode(), refusal.toString()), false, refusal);
                if (current != null) current.stop();
            }
            case RETRY -> transportFailed(from, refusal);
        }
    }

    /** The server forgot us: fail what it never acknowledged, then start over with a new session. */
    private void sessionLost(String why) {
        if (current != null) current.stop();
        if (pending != null) pending.stop();
        TransportKind kind = current != null ? current.kind() : pendingKind != null ? pendingKind : retries.first();
        current = null;
        pending = null;
        previous = null;
        transportKind = null;
        sessionId = null;
        resumeKey = null;
        CloseReason lost = new CloseReason(ErrorCode.UNKNOWN_SESSION.closeCode(), "session lost: " + why);
        channel.failAll(f -> f.completeExceptionally(new SessionClosedException(lost)));
        channel = newChannel(); // a new session numbers from 1 again
        state = State.CONNECTING;
        events.sessionLost(why);
        attachWith(kind);
    }

    /**
     * Four times a second: a transport that has lasted counts as progress; a silent WebSocket is dead.
     * A WebSocket silent for a learned idle cut's keepalive, or owing acks and quiet, gets a ping: the JDK's WebSocket
     * does not always notice a connection its peer closed until it writes to it, and waiting for the
     * heartbeat timeout could outlast the server's grace period.
     */
    private void checkHeartbeat() {
        ClientTransport t = current;
        if (t == null || state != State.OPEN) return;
        long now = System.nanoTime();
        if (now - attachedAt > STABLE_NANOS) retries.progress();
        idleCuts.tick(now);
        boolean keepalive = t.framing() == Framing.STREAM && idleCuts.pingDue(now, Math.max(heartbeat.lastHeard(), lastSent), settings.heartbeatMillis());
        if (keepalive || t.framing() == Framing.STREAM && channel.unacknowledged() > 0 && now - heartbeat.lastHeard() > QUIET_NANOS) {
            channel.queue(new Frame.Ping(TimeUnit.NANOSECONDS.toMicros(now - attachedAt)));
            flush();
        }
        if (t.framing() == Framing.STREAM && heartbeat.isDead(now)) {
            LOG.debug("no frame for " + (now - heartbeat.lastHeard()) / 1_000_000 + " ms: the socket is dead");
            t.kill();
        }
    }

    /** The session is over: fail what waits, stop reconnecting, tell the application. */
    private void finish(CloseReason reason, boolean fromServer) { finish(reason, fromServer, null); }

    /** The same, with what {@link #connect()}'s future fails with if it has not completed ({@code null}: the close). */
    private void finish(CloseReason reason, boolean fromServer, Throwable connectFailure) {
        state = State.CLOSED;
        transportKind = null;
        if (watchdog != null) watchdog.cancel(false);
        if (fromServer && current != null) current.stop();
        if (pending != null) pending.stop();
        pending = null; // a closed session attaches nowhere: a late open frame of the stopped attach is stale, not a reopening
        channel.failAll(f -> f.completeExceptionally(new SessionClosedException(reason)));
        connected.completeExceptionally(connectFailure != null ? connectFailure : new SessionClosedException(reason));
        if (switched != null) switched.completeExceptionally(new SessionClosedException(reason));
        events.closed(reason);
    }
}
