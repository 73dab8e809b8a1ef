package io.cometbridge.session;

import io.cometbridge.api.AuthResult;
import io.cometbridge.api.CloseReason;
import io.cometbridge.api.SessionClosedException;
import io.cometbridge.channel.Channel;
import io.cometbridge.channel.Framing;
import io.cometbridge.channel.Heartbeat;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.CloseCode;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;
import io.cometbridge.transport.Transport;
import io.cometbridge.transport.TransportListener;
import io.cometbridge.util.CoalescingTask;
import io.cometbridge.util.FanOut;
import io.cometbridge.util.Scheduler;
import io.cometbridge.util.SerialExecutor;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's session on the server: its lifecycle, the transport that carries it now, and the
 * executor that serializes its work. The delivery rules (sequence numbers, acknowledgements,
 * replay, de-duplication) are the {@link Channel}'s; this class feeds it and puts what it drains
 * on the current transport. Transports come and go under it and report through
 * {@link TransportListener}.
 *
 * <p>Every state change runs on the session's own {@link SerialExecutor}, so nothing here is
 * locked, and a transport can be replaced while messages flow (the lock-the-transport deadlock of
 * other ports cannot happen). Fields below the executor line are confined to it; the few that
 * other threads read are volatile.
 */
public final class Session extends SessionView implements TransportListener {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final CloseReason MOVED = new CloseReason(CloseCode.SERVER_CLOSED.code(), "the session moved to another node");
    private static final CloseReason STATE_LOST = new CloseReason(CloseCode.SERVER_CLOSED.code(), "the session's stored state is lost");

    private final SessionContext ctx;
    private final SerialExecutor executor;
    private final SendBacklog backlog; // bounds what senders queue on the executor
    private final CoalescingTask flushSoon; // flush(), after the tasks queued now

    // ---- confined to the executor ----
    private final SessionEvents app;
    private final Channel<CompletableFuture<Void>> channel;
    private final Heartbeat heartbeat;
    private final SessionTimers timers;
    private final Acks acks;
    private final ReceiveGate gate; // client messages held while the application pauses receiving
    private final ResumeKeys keys = new ResumeKeys();
    private final Checkpoints checkpoints; // null: nothing is stored beyond this node (single node)
    private Transport opening;             // attached, its open frame waiting for a commit
    private Ending ending = Ending.FOR_GOOD; // HERE_ONLY: ended on this node, the stored state stays
    private CloseReason closeReason;

    /** A session, new or ({@code restored}) taken over from the node that carried it before (docs/SCALE_OUT.md). */
    Session(String id, SessionContext ctx, SessionLog.Restored restored) {
        super(id, new SessionStats(ctx.nextStatsLabel(), ctx.totals(), Cohorts.draw(id, ctx.config().abPollingShare())), ctx.rooms());
        this.ctx = ctx;
        this.executor = new SerialExecutor(ctx.workers(), stats::cpu);
        this.flushSoon = new CoalescingTask(executor, this::flush);
        this.backlog = new SendBacklog(executor, ctx.config().maxQueuedMessages(), () -> closeNow(CloseReason.QUEUE_FULL, true));
        BridgeConfig c = ctx.config();
        this.app = new SessionEvents(this, ctx.handler(), () -> ctx.micros(ctx.scheduler().nanoTime()));
        this.channel = new Channel<>(ctx.channelPolicy(), app);
        this.heartbeat = new Heartbeat(c.heartbeatInterval().toNanos(), 0, ctx.scheduler().nanoTime());
        this.timers = new SessionTimers(ctx.scheduler(), ctx.heartbeats(), executor);
        this.acks = new Acks(executor, timers, channel, ctx.scheduler(),
                () -> state == SessionState.ATTACHED && transport != null && transport.framing() == Framing.STREAM, this::flush);
        this.gate = new ReceiveGate(c, channel, why -> closeNow(why, false));
        this.checkpoints = !ctx.log().durable() ? null : Checkpoints.open(id, ctx, executor, channel, keys, rooms, identity, restored,
                () -> { acks.delivered(transport); flush(); }, () -> closeNow(CloseReason.QUEUE_FULL, true), this::letGo);
    }

    /** A session taken over rejoins its rooms and waits for its client's attach as if its transport had just gone. */
    void adopted(SessionLog.Restored stored) {
        rooms.rejoin(stored.rooms(), stored.roomsAt()); // with what it missed meanwhile
        executor.execute(() -> detach(null, "taken over from another node"));
        executor.execute(() -> timers.startHeartbeat(this::heartbeat));
    }

    // ================================================================ application API

    @Override
    public CompletableFuture<Void> send(Message message) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        // A reply sent while the application handles a message joins that message's commit (Checkpoints).
        boolean held = executor.inTurn() && state.isOpen() && checkpoints != null && checkpoints.hold(message, acked, ctx.config().maxQueuedMessages());
        if (!held && !backlog.refuses(acked)) executor.execute(() -> enqueue(message, acked));
        return acked;
    }

    /**
     * Broadcast path: no per-receiver future. It takes its place on this session's executor now
     * (before anything the caller sends next); with a {@code fanOut} the worker pool runs it rather
     * than the broadcasting thread, so a large room's writes spread over the workers.
     */
    void sendShared(Message message, FanOut fanOut, BroadcastPosition position) { // position: in the relay's room log (or null)
        if (backlog.refuses(null)) return;
        Runnable task = () -> { if (checkpoints == null || checkpoints.takes(position)) enqueue(message, null); };
        if (fanOut != null) fanOut.add(executor, task);
        else executor.execute(task);
    }

    @Override
    public void close(int code, String reason) { close(CloseReason.application(code, reason)); }

    /** Closes with one of the documented reasons (server shutdown, for example). */
    public void close(CloseReason reason) { executor.execute(() -> closeNow(reason, true)); }

    @Override
    public void pauseReceiving() { gate.pause(); }

    @Override
    public void resumeReceiving() { // a batch that waited goes on through take(): heard again, its silence was the gate's doing
        gate.resume(executor, ctx.scheduler(), state::isOpen, w -> take(w.from(), w.frames(), w.done(), ctx.scheduler().nanoTime()),
                () -> acks.delivered(transport));
    }

    /** The replay buffer's depth: messages sent and not yet acknowledged (a racy read, for metrics). */
    public int replayMessages() { return channel.unacknowledged(); }
    /** The replay buffer's depth in payload bytes (a racy read, for metrics). */
    public long replayBytes() { return channel.unacknowledgedBytes(); }

    // ================================================================ for transports and the bridge

    /**
     * Runs {@code action} on the session's executor with the transport carrying the session, for a
     * request of that transport's: a {@code type}, proven by the key its open frame carried.
     * Otherwise {@code rejected} hears why not: {@code transport_replaced} for a request of an
     * earlier transport of this client's (its key is one the client may hold), or
     * {@code unknown_session} for a key the session never gave out (the same answer as for a
     * session that does not exist); once it ended, {@link Ending#refusal}.
     */
    public <T extends Transport> void withTransport(Class<T> type, String presentedKey, Consumer<T> action,
                                                    Consumer<BridgeException> rejected) {
        executor.execute(() -> {
            Transport t = transport;
            BridgeException refused = state == SessionState.CLOSED ? ending.refusal()
                    : keys.refusal(type.isInstance(t), presentedKey);
            if (refused == null) action.accept(type.cast(t));
            else if (refused.code() == ErrorCode.UNKNOWN_SESSION && state != SessionState.CLOSED) Checkpoints.refuseKey(checkpoints, refused, rejected);
            else rejected.accept(refused);
        });
    }

    /**
     * Attaches a transport (docs/PROTOCOL.md section 2, rule 4): the client's {@code last}
     * acknowledges and rewinds the replay buffer, the old transport is released, and the open frame
     * goes out before anything else. Resuming needs a resume key the client may hold
     * ({@link ResumeKeys}): without one the session answers as if it did not exist
     * (docs/PROTOCOL.md section 2.1). {@code onRejected} hears why if the session cannot take the
     * transport. {@code auth}: what the authenticator accepted (null without one); a resume must be
     * the session's principal.
     */
    void attach(Transport t, long clientLast, String presentedKey, AuthResult auth, Consumer<BridgeException> onRejected) {
        executor.execute(() -> {
            if (!state.isOpen()) {
                onRejected.accept(ending.refusal());
                return;
            }
            if (state != SessionState.NEW && !keys.accept(presentedKey)) {
                Checkpoints.refuseKey(checkpoints, new BridgeException(ErrorCode.UNKNOWN_SESSION, "unknown or expired session"), onRejected);
                return;
            }
            if (!identity.admit(auth, state == SessionState.NEW)) {
                onRejected.accept(new BridgeException(ErrorCode.PRINCIPAL_CHANGED, "not the principal this session belongs to"));
                return;
            }
            try {
                channel.resume(clientLast);
            } catch (BridgeException e) {
                onRejected.accept(e);
                return;
            }
            channel.discardControls();
            boolean resumed = state != SessionState.NEW;
            Transport old = transport;
            if (old != null && old != t) old.detached(ErrorCode.TRANSPORT_REPLACED.closeCode(), "replaced by a newer transport");
            transport = t;
            attachRequest = t.attachRequest();
            timers.cancelGrace();
            heartbeat.heard(ctx.scheduler().nanoTime());
            moveTo(SessionState.ATTACHED, (resumed ? "resumed over " : "opened over ") + t.kind().wireName());
            stats.attached(t.kind());
            stats.framesOut(t.kind(), 1);
            Frame.Open open = new Frame.Open(id, keys.issue(), channel.takeAck(), channel.resendFrom(), resumed, ctx.clientSettings(),
                    Cohorts.announced(ctx.config(), cohort));
            if (checkpoints == null) {
                opened(t, open);
            } else { // the client gets the new key only once another node would take it
                opening = t;
                checkpoints.afterCommit(() -> opened(t, open));
            }
        });
    }

    private void opened(Transport t, Frame.Open open) {
        if (t != transport) return;
        opening = null;
        t.opened(this, open);
        if (!open.resumed()) {
            timers.startHeartbeat(this::heartbeat);
            app.opened();
        }
        if (Cohorts.refuses(cohort, t)) detach(ErrorCode.POLLING_COHORT, "the session is in the polling cohort: attach over long-polling");
        flush();
    }

    /**
     * Queues a control frame for the client (a {@link Frame.Notice}, say): it goes out with the next flush on the current
     * transport, dropped if the session closes or the transport changes first (control frames are never replayed).
     */
    public void sendControl(Frame frame) {
        executor.execute(() -> {
            if (!state.isOpen()) return;
            channel.queue(frame);
            flush();
        });
    }

    // ================================================================ TransportListener

    @Override
    public void received(Transport from, List<Frame> frames, Reply done) {
        executor.execute(() -> {
            if (state == SessionState.CLOSED) {
                done.done(null, ending.refusal());
                return;
            }
            if (state == SessionState.CLOSING) { // ended: a batch transport's answer collects the close frame
                done.done(from == transport && from.framing() == Framing.BATCH
                        ? channel.drain(Framing.BATCH, Integer.MAX_VALUE, 1) : List.of(), null);
                finishIfClosed();
                return;
            }
            long now = ctx.scheduler().nanoTime();
            stats.framesIn(from.kind(), frames.size());
            take(from, frames, done, now);
        });
    }

    /** Acts on a client's frames through the gate; a batch the gate keeps waiting is answered when it goes on. */
    private void take(Transport from, List<Frame> frames, Reply done, long now) {
        if (from == transport) heartbeat.heard(now);
        BridgeException error = null;
        boolean taken = true;
        app.inboundOver(from.kind());
        try {
            taken = gate.take(from, frames, done, now, state::isOpen); // stops once the client closed the session
        } catch (BridgeException e) {
            error = e;
        }
        boolean batchReply = taken && error == null && from.framing() == Framing.BATCH;
        List<Frame> reply = batchReply && checkpoints == null && state.isOpen() ? channel.reply() : List.of(); // durable: once stored
        if (channel.ackOwed() && from.framing() == Framing.STREAM) acks.owed();
        flush();
        if (!taken) return;
        if (checkpoints == null || error != null) done.done(error == null ? reply : null, error);
        else checkpoints.afterCommit(() -> done.done(batchReply && state.isOpen() ? channel.reply() : List.of(), // or the session ended here:
                state == SessionState.CLOSED ? ending.refusal() : null));                // attach again, or start over
    }

    @Override
    public void pulled(Transport from, long ack, Consumer<BridgeException> rejected) {
        executor.execute(() -> {
            if (from != transport) return;
            long now = ctx.scheduler().nanoTime();
            heartbeat.heard(now);
            if (state.isOpen()) {
                stats.pulled(from.kind(), now);
                try {
                    channel.resume(ack);
                } catch (BridgeException e) {
                    rejected.accept(e);
                    return;
                }
            }
            flush();
        });
    }

    @Override
    public void closed(Transport t) {
        executor.execute(() -> {
            if (t != transport) return;
            if (state == SessionState.ATTACHED) detach(null, "transport closed");
            else if (state == SessionState.CLOSING) finish("transport closed before the close frame went out");
        });
    }

    @Override
    public void writable(Transport t) { executor.execute(this::flush); }
    @Override
    public void execute(Runnable task) { executor.execute(task); }
    @Override
    public Scheduler.Timer schedule(long delayNanos, Runnable task) { return timers.later(delayNanos, task); }

    // ================================================================ internals (on the executor)

    private void enqueue(Message message, CompletableFuture<Void> acked) {
        if (!state.isOpen()) {
            if (acked != null) acked.completeExceptionally(new SessionClosedException(closeReason));
            return;
        }
        if (checkpoints != null && checkpoints.hold(message, acked, ctx.config().maxQueuedMessages())) return; // into the channel once stored
        if (checkpoints != null || !channel.offer(message, acked)) {
            // Policy (PROTOCOL.md section 6): a client that does not keep up loses its session
            // rather than the server its memory.
            if (acked != null) acked.completeExceptionally(new SessionClosedException(CloseReason.QUEUE_FULL));
            closeNow(CloseReason.QUEUE_FULL, true);
            return;
        }
        if (transport != null && transport.canSend()) flushSoon.run(); // one write per burst; else flushed once it can send
    }

    /** Puts whatever waits on the wire, while the transport can take it. */
    private void flush() {
        Transport t = transport;
        if (t == null) return;
        if (checkpoints != null && checkpoints.ackBehind()) checkpoints.changed(); // trims the stored log
        BridgeConfig c = ctx.config();
        while (t != opening && t.canSend() && channel.hasOutput()) {
            List<Frame> frames = channel.drain(t.framing(), c.maxBatchBytes(), c.maxBatchFrames());
            stats.framesSent(t.kind(), frames);
            stats.batchSent(ctx.scheduler().nanoTime());
            t.send(frames);
        }
        finishIfClosed();
    }

    /** Every heartbeat interval: detect a dead transport; ping a stream transport (a held poll is its own heartbeat). */
    private void heartbeat() {
        Transport t = transport;
        if (checkpoints != null && state.isOpen()) checkpoints.touch();
        if (state != SessionState.ATTACHED || t == null) return;
        long now = ctx.scheduler().nanoTime();
        if (!t.holdsRequest() && !gate.stalls(t) && heartbeat.isDead(now)) {
            detach(ErrorCode.HEARTBEAT_TIMEOUT, "heartbeat timeout");
            return;
        }
        if (t.framing() == Framing.STREAM) {
            channel.queue(new Frame.Ping(ctx.micros(now)));
            flush();
        }
    }

    /** The transport is gone or dead: end it with {@code code} (null: it ended by itself) and wait out the grace period. */
    private void detach(ErrorCode code, String why) {
        Transport t = transport;
        transport = null;
        moveTo(SessionState.DETACHED, why);
        if (t != null && code != null) t.detached(code.closeCode(), why);
        timers.startGrace(ctx.config().gracePeriod(), () -> {
            if (state == SessionState.DETACHED) closeNow(CloseReason.GRACE_EXPIRED, false);
        });
    }

    /**
     * Ends the session for the application: pending sends fail, rooms are left, the application is
     * told. With {@code tellClient} and a transport, the close frame goes out first (CLOSING until
     * it has, bounded by the heartbeat timeout); otherwise the session is CLOSED at once.
     */
    private void closeNow(CloseReason reason, boolean tellClient) {
        if (!state.isOpen()) return;
        closeReason = reason;
        timers.cancelAll();
        channel.failAll(f -> f.completeExceptionally(new SessionClosedException(reason)));
        if (checkpoints != null) checkpoints.failAll(f -> f.completeExceptionally(new SessionClosedException(reason)));
        gate.clear();
        rooms.leaveAll();
        if (tellClient && transport != null) {
            channel.close(new Frame.Close(reason.code(), reason.reason()));
            moveTo(SessionState.CLOSING, reason.code() + " " + reason.reason());
            timers.startClosing(ctx.config().heartbeatTimeout(), () -> finish("the close frame was not collected in time"));
        } else {
            finish(reason.code() + " " + reason.reason());
        }
        app.closed(reason);
        flush();
    }

    /** CLOSING and the close frame is on the wire: done. */
    private void finishIfClosed() {
        if (state == SessionState.CLOSING && !channel.closePending()) finish("close frame sent");
    }

    private void finish(String why) {
        if (state == SessionState.CLOSED) return;
        Transport t = transport;
        transport = null;
        timers.cancelAll();
        moveTo(SessionState.CLOSED, why);
        if (t != null) t.detached(CloseCode.socketCode(closeReason.code()), closeReason.reason());
        if (checkpoints != null && !ending.keepsStored()) ctx.log().delete(id);
        ctx.sessionEnded(this);
    }

    @Override
    void roomsChanged() {
        if (checkpoints != null) executor.execute(checkpoints::changed);
    }

    /** The channel delivered the client's latest message (SessionEvents): a durable session stores it. */
    void delivered(Message message) {
        if (checkpoints != null) checkpoints.received(channel.received(), message);
    }

    /**
     * Draining (docs/SCALE_OUT.md): once everything so far is stored, the client hears the
     * {@code move} notice (PROTOCOL.md section 1.2) and the session leaves this node, kept in the store.
     */
    void release() {
        executor.execute(() -> {
            if (checkpoints != null && state.isOpen()) checkpoints.afterCommit(() -> {
                if (state.isOpen()) channel.queue(new Frame.Notice(Frame.Notice.MOVE, "the server is draining: attach again"));
                flush();
                letGo(ErrorCode.SERVER_FULL, "the server is draining", true);
            });
        });
    }

    /** Ends the session on this node only: its transport closes with {@code code}; the stored state stays if {@code keep}. */
    private void letGo(ErrorCode code, String why, boolean keep) {
        if (!state.isOpen()) return;
        ending = keep ? Ending.HERE_ONLY : Ending.FOR_GOOD;
        Transport t = transport;
        transport = null;
        if (t != null) t.detached(code.closeCode(), why);
        closeNow(keep ? MOVED : STATE_LOST, false);
    }

    /** Every state change goes through here, and is logged. */
    private void moveTo(SessionState next, String why) {
        SessionState was = state;
        state = next;
        if (LOG.isDebugEnabled()) LOG.debug("session " + stats.label() + ": " + was + " -> " + next + " (" + why + ")");
    }

    @Override
    public String toString() {
        return "Session[" + stats.label() + ", " + state + ", " + transport() + gate + "]"; // never the id: it is a secret
    }
}
