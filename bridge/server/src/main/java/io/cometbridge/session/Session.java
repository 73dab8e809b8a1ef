package io.cometbridge.session;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.CloseReason;
import io.cometbridge.api.SessionClosedException;
import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;
import io.cometbridge.transport.Transport;
import io.cometbridge.channel.ReplayBuffer;
import io.cometbridge.util.SerialExecutor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The transport-agnostic session: sequence numbers, replay, acknowledgements, de-duplication,
 * heartbeats and the grace period. Transports come and go under it.
 *
 * <p>Every state change runs on the session's own {@link SerialExecutor}, so nothing here is
 * locked, and a transport can be replaced while messages flow (the lock-the-transport deadlock of
 * other ports cannot happen). Fields below the executor line are confined to it; the few that
 * other threads read are volatile.
 */
public final class Session implements BridgeSession {
    private static final Logger LOG = Logger.getLogger(Session.class.getName());

    private final String id;
    private final SessionContext ctx;
    private final SerialExecutor executor;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final SessionStats stats;

    private volatile SessionState state = SessionState.NEW;
    private volatile Transport transport;

    // ---- confined to the executor ----
    private final ReplayBuffer outbound;
    private final ArrayDeque<Frame> controls = new ArrayDeque<>(2); // ping/pong/ack/close waiting for the wire
    private long lastReceived;      // highest client seq delivered to the application
    private long lastAckSent;       // highest client seq we acknowledged
    private boolean ackTimerArmed;
    private boolean ackCheckQueued;
    private long lastHeardNanos = System.nanoTime();
    private ScheduledFuture<?> graceTimer;
    private ScheduledFuture<?> heartbeatTimer;
    private CloseReason closeReason;
    private long pullAnsweredNanos; // when a pull transport last took frames (a polling round-trip sample starts)

    Session(String id, SessionContext ctx) {
        this.id = id;
        this.ctx = ctx;
        this.stats = new SessionStats(ctx.nextStatsLabel(), ctx.totals());
        this.executor = new SerialExecutor(ctx.workers());
        BridgeConfig config = ctx.config();
        this.outbound = new ReplayBuffer(config.maxQueuedMessages(), config.maxQueuedBytes());
    }

    // ================================================================ application API

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportKind transport() {
        Transport t = transport;
        return t == null ? null : t.kind();
    }

    @Override
    public boolean isOpen() {
        return state != SessionState.CLOSED;
    }

    public SessionState state() {
        return state;
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        executor.execute(() -> enqueue(message, acked));
        return acked;
    }

    /** Broadcast path: no per-receiver future. */
    void sendShared(Message message) {
        executor.execute(() -> enqueue(message, null));
    }

    /**
     * Broadcast path for large rooms: queued on this session's executor now (so it keeps its place
     * before anything the caller sends next), but run by the worker pool rather than on the
     * broadcasting thread, so one broadcast's writes spread over the workers.
     */
    void sendSharedLater(Message message) {
        executor.executeLater(() -> enqueue(message, null));
    }

    @Override
    public void close(int code, String reason) {
        CloseReason why = new CloseReason(code, reason == null ? "" : reason);
        executor.execute(() -> closeNow(why, true));
    }

    /** Closes with one of the documented reasons. */
    public void close(CloseReason reason) {
        executor.execute(() -> closeNow(reason, true));
    }

    @Override
    public void join(String room) {
        if (isOpen() && rooms.add(room)) ctx.rooms().add(room, this);
    }

    @Override
    public void leave(String room) {
        if (rooms.remove(room)) ctx.rooms().remove(room, this);
    }

    @Override
    public Set<String> rooms() {
        return Set.copyOf(rooms);
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    public SessionStats stats() {
        return stats;
    }

    public CloseReason closeReason() {
        return closeReason;
    }

    // ================================================================ transport SPI

    /** Runs a task on this session's serial executor (transports use it to touch their own state). */
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** The current transport (read it on the executor for a stable answer). */
    public Transport currentTransport() {
        return transport;
    }

    /**
     * Attaches a transport (docs/PROTOCOL.md section 2, rule 4): the old one is released, the
     * client's {@code last} acknowledges and rewinds the replay buffer, and the open frame goes
     * out before anything else. {@code onRejected} hears why if the session cannot take it.
     */
    public void attach(Transport t, long clientLast, Consumer<BridgeException> onRejected) {
        executor.execute(() -> {
            if (state == SessionState.CLOSED) {
                onRejected.accept(new BridgeException(ErrorCode.UNKNOWN_SESSION, "session closed"));
                return;
            }
            if (clientLast > outbound.lastAssigned()) {
                onRejected.accept(new BridgeException(ErrorCode.BAD_SEQUENCE,
                        "last " + clientLast + " is above the highest message sent, " + outbound.lastAssigned()));
                return;
            }
            boolean resumed = state != SessionState.NEW;
            Transport old = transport;
            if (old != null && old != t) {
                old.detached(ErrorCode.TRANSPORT_REPLACED.closeCode(), "replaced by a newer transport");
            }
            transport = t;
            state = SessionState.ATTACHED;
            cancel(graceTimer);
            graceTimer = null;
            lastHeardNanos = System.nanoTime();
            controls.removeIf(f -> !(f instanceof Frame.Close));
            outbound.acknowledge(clientLast);
            outbound.rewindTo(clientLast);
            stats.attached(t.kind());
            stats.framesOut(t.kind(), 1); // the open frame
            pullAnsweredNanos = 0;
            BridgeConfig c = ctx.config();
            t.opened(this, new Frame.Open(id, lastReceived, resumed, c.heartbeatInterval().toMillis(),
                    c.pollTimeout().toMillis(), c.gracePeriod().toMillis()));
            lastAckSent = lastReceived;
            if (!resumed) {
                startHeartbeat();
                try {
                    ctx.handler().onOpen(this);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "onOpen failed for a session", e);
                }
            }
            flush();
        });
    }

    /**
     * Frames from the client over {@code from}. {@code done} runs on the executor after they are
     * processed, with null or the error that stopped processing (frames before it took effect).
     */
    public void receive(Transport from, List<Frame> frames, Consumer<BridgeException> done) {
        executor.execute(() -> {
            BridgeException error = null;
            try {
                if (state == SessionState.CLOSED) {
                    throw new BridgeException(ErrorCode.UNKNOWN_SESSION, "session closed");
                }
                if (from == transport) lastHeardNanos = System.nanoTime();
                stats.framesIn(from.kind(), frames.size());
                for (Frame f : frames) handle(from, f);
            } catch (BridgeException e) {
                error = e;
            }
            afterInbound(from);
            done.accept(error);
        });
    }

    /**
     * A pull transport now holds a receive request, and the client has processed every server
     * message up to {@code ack}: anything after it that was sent is lost, so it is sent again.
     * Run on the executor (the transport calls it from a task it submitted).
     */
    public void pullReady(Transport t, long ack) {
        if (t != transport) return;
        validateAck(ack);
        lastHeardNanos = System.nanoTime();
        if (pullAnsweredNanos != 0) { // answer written -> next receive arrived: one round trip (plus client time)
            stats.roundTrip(t.kind(), lastHeardNanos - pullAnsweredNanos);
            pullAnsweredNanos = 0;
        }
        outbound.acknowledge(ack);
        outbound.rewindTo(ack);
        flush();
    }

    /** The transport's connection ended (socket closed, error). The session waits for a new one. */
    public void transportClosed(Transport t) {
        executor.execute(() -> {
            if (t == transport && state == SessionState.ATTACHED) detach(ErrorCode.TRANSPORT_REPLACED, "transport closed");
        });
    }

    /** The transport can take frames again after backpressure. */
    public void transportWritable(Transport t) {
        executor.execute(this::flush);
    }

    /**
     * Queues a control frame for the client (a {@link Frame.Notice}, for example): it goes out with
     * the next flush on the current transport, and is dropped if the session is closed or the
     * transport changes before then (control frames are never replayed).
     */
    public void sendControl(Frame frame) {
        if (frame instanceof Frame.Data || frame instanceof Frame.Close) {
            throw new IllegalArgumentException("data and close frames have their own paths");
        }
        executor.execute(() -> {
            if (state == SessionState.CLOSED) return;
            controls.add(frame);
            flush();
        });
    }

    /** Highest client sequence number delivered (the ack to give). Read on the executor. */
    public long lastReceived() {
        return lastReceived;
    }

    /** Marks everything received as acknowledged: the caller is sending an ack frame itself. */
    public void ackSentByTransport() {
        lastAckSent = lastReceived;
    }

    // ================================================================ internals (on the executor)

    private void enqueue(Message message, CompletableFuture<Void> acked) {
        if (state == SessionState.CLOSED) {
            if (acked != null) acked.completeExceptionally(new SessionClosedException(closeReason));
            return;
        }
        if (!outbound.offer(message, acked)) {
            // Policy (PROTOCOL.md section 6): a client that does not keep up loses its session
            // rather than the server its memory.
            if (acked != null) acked.completeExceptionally(new SessionClosedException(CloseReason.QUEUE_FULL));
            closeNow(CloseReason.QUEUE_FULL, true);
            return;
        }
        flush();
    }

    private void handle(Transport from, Frame f) {
        if (f instanceof Frame.Data d) {
            onData(from, d);
        } else if (f instanceof Frame.Ack a) {
            onAck(a.ack());
        } else if (f instanceof Frame.Ping p) {
            queueControl(new Frame.Pong(p.ts())); // only the latest ping is answered: a flood cannot grow the queue
        } else if (f instanceof Frame.Pong p) {
            stats.roundTrip(from.kind(), System.nanoTime() - p.ts());
        } else if (f instanceof Frame.Close c) {
            closeNow(new CloseReason(c.code(), c.reason()), false);
        } else {
            throw new BridgeException(ErrorCode.MALFORMED, "unexpected frame from a client: " + f.getClass().getSimpleName().toLowerCase());
        }
    }

    private void onData(Transport from, Frame.Data d) {
        if (d.seq() <= lastReceived) { // a resend of something we have: drop, acknowledge again
            stats.duplicate();
            if (d.ack() >= 0) onAck(d.ack());
            lastAckSent = Math.min(lastAckSent, d.seq() - 1);
            return;
        }
        if (d.seq() != lastReceived + 1) {
            throw new BridgeException(ErrorCode.BAD_SEQUENCE,
                    "expected message " + (lastReceived + 1) + ", got " + d.seq());
        }
        if (d.message().size() > ctx.config().maxMessageBytes()) {
            throw new BridgeException(ErrorCode.TOO_LARGE, "message larger than " + ctx.config().maxMessageBytes() + " bytes");
        }
        if (d.ack() >= 0) onAck(d.ack());
        lastReceived = d.seq();
        stats.received(from.kind(), d.message().size());
        try {
            ctx.handler().onMessage(this, d.message());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "onMessage failed; the message counts as delivered", e);
        }
    }

    private void onAck(long ack) {
        validateAck(ack);
        outbound.acknowledge(ack);
    }

    private void validateAck(long ack) {
        if (ack > outbound.lastAssigned()) {
            throw new BridgeException(ErrorCode.BAD_SEQUENCE,
                    "ack " + ack + " is above the highest message sent, " + outbound.lastAssigned());
        }
    }

    /** Decides how to acknowledge what just arrived (PROTOCOL.md section 2, rule 3). */
    private void afterInbound(Transport from) {
        long unacked = lastReceived - lastAckSent;
        if (unacked > 0 && transport != null && !transport.isPull()) {
            if (unacked >= ctx.config().ackEvery()) {
                queueAck();
            } else if (!ackTimerArmed && !ackCheckQueued) {
                // Decide after the tasks queued behind this one (the application's replies, which
                // usually carry the ack piggybacked): a timer only when the ack is still owed.
                ackCheckQueued = true;
                executor.execute(this::ackCheck);
            }
        }
        flush();
    }

    private void ackCheck() {
        ackCheckQueued = false;
        Transport t = transport;
        if (lastReceived > lastAckSent && !ackTimerArmed && state == SessionState.ATTACHED && t != null && !t.isPull()) {
            ackTimerArmed = true;
            ctx.scheduler().schedule(() -> executor.execute(this::ackTimerFired),
                    ctx.config().ackDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void ackTimerFired() {
        ackTimerArmed = false;
        if (lastReceived > lastAckSent && state == SessionState.ATTACHED) {
            queueAck();
            flush();
        }
    }

    private void queueAck() {
        queueControl(new Frame.Ack(lastReceived));
        lastAckSent = lastReceived;
    }

    /**
     * Queues a control frame, replacing a waiting one of the same kind: acks are cumulative, and
     * only the latest ping needs its pong. So at most one ack, ping and pong wait at any time,
     * however many pings a client sends without collecting the answers (docs/BAD_INPUT.md H51).
     */
    private void queueControl(Frame f) {
        controls.removeIf(c -> c.getClass() == f.getClass());
        controls.add(f);
    }

    /** Puts whatever is waiting on the wire, if the transport can take it. */
    private void flush() {
        Transport t = transport;
        if (t == null || !t.canSend()) return;
        if (controls.isEmpty() && !outbound.hasUnsent()) return;
        if (t.isPull()) {
            List<Frame> batch = nextBatch();
            stats.framesOut(t.kind(), batch.size());
            pullAnsweredNanos = System.nanoTime();
            t.send(batch);
            return;
        }
        while (t.canSend() && (!controls.isEmpty() || outbound.hasUnsent())) {
            Frame f = controls.isEmpty() ? nextData(true) : controls.poll();
            stats.framesOut(t.kind(), 1);
            t.send(List.of(f));
        }
    }

    /** A poll response: every control frame, then messages up to the batch size (at least one). */
    private List<Frame> nextBatch() {
        List<Frame> batch = new ArrayList<>(controls.size() + 8);
        batch.addAll(controls);
        controls.clear();
        long budget = ctx.config().maxBatchBytes();
        while (outbound.hasUnsent() && (budget > 0 || batch.isEmpty())) {
            budget -= outbound.peekUnsent().message().size() + 16;
            batch.add(nextData(false));
        }
        if (lastReceived > lastAckSent) {
            batch.add(new Frame.Ack(lastReceived));
            lastAckSent = lastReceived;
        }
        return batch;
    }

    private Frame.Data nextData(boolean piggybackAck) {
        ReplayBuffer.Entry e = outbound.nextUnsent();
        stats.sent(transport.kind(), e.message().size());
        long ack = -1;
        if (piggybackAck && lastReceived > lastAckSent && !e.message().isBinary()) {
            ack = lastReceived;
            lastAckSent = lastReceived;
        }
        return new Frame.Data(e.seq(), e.message(), ack);
    }

    /** The transport is gone or dead: end it with {@code code} and wait out the grace period. */
    private void detach(ErrorCode code, String why) {
        Transport t = transport;
        transport = null;
        state = SessionState.DETACHED;
        if (t != null) t.detached(code.closeCode(), why);
        cancel(graceTimer);
        graceTimer = ctx.scheduler().schedule(() -> executor.execute(this::graceExpired),
                ctx.config().gracePeriod().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void graceExpired() {
        if (state == SessionState.DETACHED) closeNow(CloseReason.GRACE_EXPIRED, false);
    }

    private void startHeartbeat() {
        long period = ctx.config().heartbeatInterval().toMillis();
        heartbeatTimer = ctx.scheduler().scheduleAtFixedRate(() -> executor.execute(this::heartbeat),
                period, period, TimeUnit.MILLISECONDS);
    }

    /** Detects dead transports; pings push transports (a held poll is its own heartbeat). */
    private void heartbeat() {
        Transport t = transport;
        if (state != SessionState.ATTACHED || t == null) return;
        long now = System.nanoTime();
        boolean holdsPoll = t.isPull() && t.canSend();
        if (!holdsPoll && now - lastHeardNanos > ctx.config().heartbeatTimeout().toNanos()) {
            detach(ErrorCode.HEARTBEAT_TIMEOUT, "heartbeat timeout");
            return;
        }
        if (!t.isPull()) {
            queueControl(new Frame.Ping(now));
            flush();
        }
    }

    /** Ends the session: tell the client (if asked and possible), fail pending sends, tell the app. */
    private void closeNow(CloseReason reason, boolean tellClient) {
        if (state == SessionState.CLOSED) return;
        state = SessionState.CLOSED;
        closeReason = reason;
        cancel(graceTimer);
        cancel(heartbeatTimer);
        Transport t = transport;
        boolean closeFramePending = false;
        if (t != null) {
            if (tellClient) {
                controls.clear();
                controls.add(new Frame.Close(reason.code(), reason.reason()));
                // A push transport takes this one frame even under backpressure; a pull transport
                // only if a poll is held, otherwise the frame waits for the next poll.
                if (t.canSend() || !t.isPull()) {
                    stats.framesOut(t.kind(), 1);
                    t.send(List.of(controls.poll()));
                }
            }
            closeFramePending = !controls.isEmpty();
            if (!closeFramePending) {
                transport = null;
                t.detached(reason.equals(CloseReason.SHUTDOWN) ? 1001 : 1000, reason.reason());
            }
        }
        outbound.failAll(f -> f.completeExceptionally(new SessionClosedException(reason)));
        for (String room : rooms) ctx.rooms().remove(room, this);
        rooms.clear();
        ctx.sessionClosed(this, closeFramePending);
        try {
            ctx.handler().onClose(this, reason);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "onClose failed", e);
        }
    }

    /** A poll on a closed session collects its pending close frame, if any (then the session is gone). */
    public boolean deliverPendingClose(Transport t) {
        if (state != SessionState.CLOSED || t != transport || controls.isEmpty()) return false;
        if (!t.canSend()) return false;
        stats.framesOut(t.kind(), 1);
        t.send(List.of(controls.poll()));
        transport = null;
        t.detached(1000, closeReason.reason());
        ctx.sessionGone(this);
        return true;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) f.cancel(false);
    }

    @Override
    public String toString() {
        return "Session[" + state + ", " + transport() + "]"; // never print the id: it is a secret
    }
}
