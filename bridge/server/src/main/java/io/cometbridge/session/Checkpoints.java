package io.cometbridge.session;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.SessionClosedException;
import io.cometbridge.channel.Channel;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A session's commits to a durable {@link SessionLog} (docs/SCALE_OUT.md), as group commits: what
 * the session does while one commit is in flight goes into the next. Until its commit is stored,
 * a message for the client is not in the channel (so never on the wire) and a message from the
 * client is not acknowledged (the channel's ack ceiling). A commit is issued from the session's
 * executor behind the tasks already queued, and a reply the application sends while it handles a
 * message is held at once, in that turn ({@code Session.send}), so the replies are stored with
 * the message they answer: a node that dies or drains after a commit loses both or neither.
 * Confined to the session's executor.
 */
final class Checkpoints {
    /** A message for the client waiting for its commit, and whoever waits for its acknowledgement. */
    private record Held(Message message, CompletableFuture<Void> acked) {
    }

    /** How the session ends on this node: its transport closes with {@code code}; its stored state stays if {@code keep}. */
    interface LetGo {
        void letGo(ErrorCode code, String why, boolean keep);
    }

    private final String sid;
    private final SessionLog log;
    private final Executor executor;
    private final Channel<CompletableFuture<Void>> channel;
    private final ResumeKeys keys;
    private final LetGo letGo;
    private final LongSupplier clock;
    private final Supplier<List<String>> rooms;
    private final Supplier<SessionLog.StoredPrincipal> principal; // who the session belongs to, for the creating commit
    private final Runnable committed;
    private final Runnable overflow;
    private long generation;

    // what the next commit holds
    private List<Held> outbound = new ArrayList<>();
    private List<SessionLog.Entry> inbound = new ArrayList<>();
    private List<Runnable> afterCommit = new ArrayList<>();
    private boolean dirty;
    private long logged;          // highest client message in a commit (stored or in flight)
    private long storedAcked;     // the acknowledgement the last commit stored
    private BroadcastPosition roomsAt; // the last room broadcast taken, or where the room log stood at the latest join

    private boolean queued;       // a commit task waits on the executor
    private boolean inFlight;     // a commit waits for the store
    private boolean failed;

    private Checkpoints(String sid, SessionLog log, Executor executor, Channel<CompletableFuture<Void>> channel, ResumeKeys keys,
                        long generation, LongSupplier clock, Supplier<List<String>> rooms, Supplier<SessionLog.StoredPrincipal> principal,
                        Runnable committed, Runnable overflow, LetGo letGo) {
        this.sid = sid;
        this.log = log;
        this.executor = executor;
        this.channel = channel;
        this.keys = keys;
        this.generation = generation;
        this.clock = clock;
        this.rooms = rooms;
        this.principal = principal;
        this.committed = committed;
        this.overflow = overflow;
        this.letGo = letGo;
        this.logged = channel.received();
        this.storedAcked = channel.resendFrom() - 1;
    }

    private Checkpoints restoredAt(String at, SessionRooms rooms) {
        roomsAt = BroadcastPosition.parse(at);
        rooms.onJoin(position -> executor.execute(() -> joinedAt(position)));
        return this;
    }

    /**
     * A new session's commits (generation 0 creates it), or a session {@code restored} from the
     * log: the channel and keys continue where the stored state ends. {@code committed} runs after
     * each stored commit, {@code overflow} if its messages overflow the replay buffer (the session
     * closes, 4002), {@code letGo} once the session is no longer this node's.
     *
     * @throws BridgeException {@code unknown_session} when the restored messages exceed this node's
     *                         bounds (nodes configured apart): the client is told, none is dropped silently
     */
    static Checkpoints open(String sid, SessionContext ctx, Executor executor, Channel<CompletableFuture<Void>> channel,
                            ResumeKeys keys, SessionRooms rooms, SessionIdentity identity, SessionLog.Restored restored,
                            Runnable committed, Runnable overflow, LetGo letGo) {
        if (restored != null) {
            channel.restore(restored.received(), restored.acknowledged());
            for (SessionLog.Entry e : restored.outbound()) {
                if (!channel.offer(e.message(), null)) { // stored by a node with larger limits: it cannot go on here whole
                    throw new BridgeException(ErrorCode.UNKNOWN_SESSION, "the stored session holds more unacknowledged messages"
                            + " than this node's limits allow (--max-queued-messages, --max-queued-bytes): it cannot continue here");
                }
            }
            keys.restore(restored.keys());
            identity.restore(restored.principal()); // a resume here must be the principal the session opened as
        }
        channel.limitAcks(channel.received(), ctx.scheduler().nanoTime());
        return new Checkpoints(sid, ctx.log(), executor, channel, keys, restored == null ? 0 : restored.generation(),
                ctx.scheduler()::nanoTime, () -> List.copyOf(rooms.names()), identity::stored, committed, overflow, letGo)
                .restoredAt(restored == null ? null : restored.roomsAt(), rooms);
    }

    /**
     * A message for the client: into the channel once stored. False (nothing held) when the
     * replay buffer and the messages waiting for a commit already hold {@code maxMessages}.
     */
    boolean hold(Message message, CompletableFuture<Void> acked, int maxMessages) {
        if (channel.unacknowledged() + outbound.size() >= maxMessages) return false;
        outbound.add(new Held(message, acked));
        changed();
        return true;
    }

    /**
     * Whether to take the room broadcast at position {@code at} (null: not from a relay's log):
     * not when the session took it, or one after it, already (a node taking a session over hands
     * it the broadcasts it missed, and the live ones may overlap them). Taking it moves the
     * session's position, stored with the commit that stores the broadcast.
     */
    boolean takes(BroadcastPosition at) {
        if (at == null) return true;
        if (BroadcastPosition.compare(at, roomsAt) <= 0) return false;
        roomsAt = at;
        return true;
    }

    /**
     * The session joined rooms when the room log stood at {@code position}: a node taking it over
     * hands it only the broadcasts after that (not those sent before it joined).
     */
    private void joinedAt(String id) {
        BroadcastPosition position = BroadcastPosition.parse(id);
        if (position == null || BroadcastPosition.compare(position, roomsAt) <= 0) return;
        roomsAt = position;
        changed();
    }

    /** A message from the client, delivered with sequence number {@code seq}. */
    void received(long seq, Message message) {
        if (seq <= logged) return; // a resend: already in a commit
        logged = seq;
        inbound.add(new SessionLog.Entry(seq, message));
        changed();
    }

    /** The resume keys changed, or the client acknowledged more: store it with the next commit. */
    void changed() {
        dirty = true;
        if (queued || inFlight || failed) return;
        queued = true;
        // Two hops: the commit goes behind every task queued by the task running now (the
        // application's replies to a batch of messages), not only those queued so far.
        executor.execute(() -> executor.execute(this::issue));
    }

    /**
     * Runs {@code action} once everything done so far is stored; if the session is lost here
     * first, once it has ended (the action sees that, and answers its request accordingly).
     */
    void afterCommit(Runnable action) {
        afterCommit.add(action);
        changed();
    }

    /**
     * Refuses a request that presents a resume key this node never gave out. With shared sessions
     * it may be a key a newer owner gave out, and this copy stale (another node took the session
     * over and this one has not heard yet): then the session lets go here, and the client hears
     * {@code transport_replaced} (attach again), not that its session is gone.
     */
    static void refuseKey(Checkpoints c, BridgeException unknown, Consumer<BridgeException> rejected) {
        if (c == null || c.failed || c.generation == 0) {
            rejected.accept(unknown);
            return;
        }
        c.log.touch(c.sid, c.generation).whenComplete((outcome, error) -> c.executor.execute(() -> {
            boolean ours = error == null && outcome == SessionLog.Outcome.STORED;
            if (error == null && !ours && !c.failed) c.lost(outcome);
            rejected.accept(ours || error != null ? unknown
                    : new BridgeException(ErrorCode.TRANSPORT_REPLACED, "the session moved to another node: attach again"));
        }));
    }

    /** Keeps the stored state from expiring; a session lost meanwhile hears it. */
    void touch() {
        if (failed || generation == 0) return;
        log.touch(sid, generation).whenComplete((outcome, error) -> executor.execute(() -> {
            if (error == null && outcome != SessionLog.Outcome.STORED && !failed) {
                lost(outcome);
            }
        }));
    }

    /** Fails the messages still waiting for a commit (the session ended); what waited for it runs once it has. */
    void failAll(Consumer<CompletableFuture<Void>> fail) {
        for (Held h : outbound) if (h.acked() != null) fail.accept(h.acked());
        outbound = new ArrayList<>();
        afterCommit.forEach(executor::execute);
        afterCommit = new ArrayList<>();
        failed = true;
    }

    private void issue() {
        queued = false;
        if (!dirty || failed) return;
        List<Held> out = outbound;
        List<Runnable> after = afterCommit;
        long first = channel.lastAssigned() + 1; // the channel numbers them in this order once stored
        List<SessionLog.Entry> entries = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) entries.add(new SessionLog.Entry(first + i, out.get(i).message()));
        long acknowledged = channel.resendFrom() - 1;
        // the creating commit also stores who the session belongs to (the opening attach named it)
        SessionLog.Commit commit = new SessionLog.Commit(entries, inbound, logged, acknowledged, keys.all(), rooms.get(),
                generation == 0 ? principal.get() : null, roomsAt == null ? null : roomsAt.toString());
        long mark = logged;
        outbound = new ArrayList<>();
        inbound = new ArrayList<>();
        afterCommit = new ArrayList<>();
        dirty = false;
        inFlight = true;
        log.commit(sid, generation, commit).whenComplete((outcome, error) ->
                executor.execute(() -> committed(out, after, mark, acknowledged, error == null ? outcome : null)));
        if (generation == 0) generation = 1; // the creating commit made generation 1
    }

    private void committed(List<Held> out, List<Runnable> after, long mark, long acknowledged, SessionLog.Outcome outcome) {
        inFlight = false;
        if (failed || outcome != SessionLog.Outcome.STORED) {
            after.forEach(executor::execute); // queued behind the session's end: a request waiting for this commit hears it
            if (!failed) lost(outcome);
            return;
        }
        storedAcked = acknowledged;
        for (int i = 0; i < out.size(); i++) {
            if (!channel.offer(out.get(i).message(), out.get(i).acked())) { // over the byte bound: numbering would part from the log's
                for (Held h : out.subList(i, out.size())) {
                    if (h.acked() != null) h.acked().completeExceptionally(new SessionClosedException(CloseReason.QUEUE_FULL));
                }
                failed = true;
                after.forEach(executor::execute);
                overflow.run();
                return;
            }
        }
        channel.limitAcks(mark, clock.getAsLong());
        after.forEach(Runnable::run);
        committed.run();
        if (dirty) changed();
    }

    /**
     * The stored session is no longer this node's: another node took it over (the client moved
     * there; this transport is stale), or the store lost it (the client is told its session is
     * gone, never given a gap), or (null) the store cannot be reached (nothing can be acknowledged).
     */
    private void lost(SessionLog.Outcome outcome) {
        failed = true;
        if (outcome == SessionLog.Outcome.TAKEN_OVER) letGo.letGo(ErrorCode.TRANSPORT_REPLACED, "the session moved to another node", true);
        else if (outcome == null) letGo.letGo(ErrorCode.SERVER_FULL, "the session store cannot be reached", true);
        else letGo.letGo(ErrorCode.UNKNOWN_SESSION, "the session's stored state is lost", false);
    }

    /** Whether the client acknowledged messages the stored log still keeps. */
    boolean ackBehind() {
        return channel.resendFrom() - 1 > storedAcked;
    }
}
