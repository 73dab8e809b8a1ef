package io.cometbridge.session;

import io.cometbridge.api.CloseReason;
import io.cometbridge.channel.Channel;
import io.cometbridge.channel.Framing;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.transport.Transport;
import io.cometbridge.transport.TransportListener;
import io.cometbridge.util.Scheduler;
import io.cometbridge.util.SerialExecutor;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A session's way in for the client's frames: each goes to the delivery channel, a close ends
 * the session, and while the application has paused receiving
 * ({@link io.cometbridge.api.BridgeSession#pauseReceiving}) messages are held here.
 *
 * <p>While paused the session goes on reading: acknowledgements, pings and pongs act at once,
 * so the other direction never waits behind this one (on a WebSocket they travel behind the
 * client's data; a session that stopped reading there would stop hearing acknowledgements too,
 * and an application that waits for them, like the gateway, would wait forever). Data frames,
 * and a close behind them, are held here in order and <em>unacknowledged</em>: the client keeps
 * each of them in its own replay buffer, and stops sending when that is full. Held messages are
 * bounded by the session's replay-buffer limits, the same as a client's by default. Past them the
 * frame that does not fit and the rest of its batch wait with their reply: a WebSocket is no
 * longer read, a polling {@code send} is not answered. Resumed, held frames are delivered in
 * order, then the waiting batch goes on.
 *
 * <p>{@link #pause()} and {@link #resume()} may be called on any thread; everything else runs on
 * the session's executor. The channel and the lifecycle stay the session's: the gate feeds the
 * channel, and tells {@code closedByClient} when the client closed the session.
 */
final class ReceiveGate {

    /** The rest of a batch that found the gate full, and the reply it owes its transport. */
    record Waiting(Transport from, List<Frame> frames, TransportListener.Reply done) {
    }

    private final int maxMessages;
    private final long maxBytes;
    private final int maxMessageBytes;
    private final Channel<?> channel;
    private final Consumer<CloseReason> closedByClient;
    private volatile boolean paused;

    // ---- confined to the session's executor ----
    private final ArrayDeque<Frame> held = new ArrayDeque<>(2); // it grows when an application pauses: most never do
    private long heldBytes;
    private long lastHeld; // sequence number of the last data frame held (0: none)
    private Waiting waiting;

    ReceiveGate(BridgeConfig c, Channel<?> channel, Consumer<CloseReason> closedByClient) {
        this.maxMessages = c.maxQueuedMessages();
        this.maxBytes = c.maxQueuedBytes();
        this.maxMessageBytes = c.maxMessageBytes();
        this.channel = channel;
        this.closedByClient = closedByClient;
    }

    void pause() {
        paused = true;
    }

    /**
     * Lifts the pause. If it was paused, a task on {@code executor}'s worker (never the caller's
     * thread: an application may resume under its own locks) delivers the held frames in order
     * (until paused again, or the session is no longer {@code open}), then hands the batch that
     * waited, once there is room for it, to {@code goOn}; or, with none, runs {@code delivered} so
     * the client hears what was delivered.
     */
    void resume(SerialExecutor executor, Scheduler clock, BooleanSupplier open, Consumer<Waiting> goOn, Runnable delivered) {
        boolean was = paused;
        paused = false;
        if (!was) return;
        executor.executeLater(() -> {
            Waiting w = release(clock.nanoTime(), open);
            if (w == null) delivered.run();
            else goOn.accept(w);
        });
    }

    /**
     * Acts on a client's frames in order, until the end or until the session is no longer
     * {@code open} (the client closed it). Returns false when the rest of the batch waits here
     * with {@code done}, which is then the gate's to answer. Throws the documented error that
     * stopped it; the frames before it took effect.
     */
    boolean take(Transport from, List<Frame> frames, TransportListener.Reply done, long now, BooleanSupplier open) {
        for (int i = 0; i < frames.size() && open.getAsBoolean(); i++) {
            Frame f = frames.get(i);
            if (!holds(f, channel.received())) {
                act(f, now);
            } else if (hasRoom()) {
                if (f instanceof Frame.Data d && d.ack() >= 0) channel.receive(new Frame.Ack(d.ack()), now);
                hold(f, channel.received());
            } else {
                Waiting stale = waiting;
                waiting = new Waiting(from, frames.subList(i, frames.size()), done);
                if (stale != null) answer(stale);
                return false;
            }
        }
        return true;
    }

    private Waiting release(long now, BooleanSupplier open) {
        while (!paused && !held.isEmpty() && open.getAsBoolean()) {
            Frame f = held.poll();
            if (f instanceof Frame.Data d) heldBytes -= d.message().size();
            act(f, now); // checked when held: cannot throw
        }
        if (held.isEmpty()) lastHeld = 0;
        if (paused || !hasRoom() || !open.getAsBoolean()) return null;
        Waiting w = waiting;
        waiting = null;
        return w;
    }

    /** Whether the session has stopped reading {@code t} (a batch of it waits): its silence is the gate's doing. */
    boolean stalls(Transport t) {
        return waiting != null && waiting.from() == t;
    }

    /** The session ended: held frames are dropped (never acknowledged), a waiting batch is answered. */
    void clear() {
        held.clear();
        heldBytes = 0;
        lastHeld = 0;
        Waiting w = waiting;
        waiting = null;
        if (w != null) w.done().done(List.of(), null);
    }

    /** For diagnostics (racy reads from another thread): empty while the gate is open and empty. */
    @Override
    public String toString() {
        if (!paused && held.isEmpty() && waiting == null) return "";
        return (paused ? ", receiving paused" : ", releasing") + ", " + held.size() + " held" + (waiting != null ? ", a batch waits" : "");
    }

    /** A frame the channel leaves to the session: only a close is expected from a client. */
    private void act(Frame f, long now) {
        if (channel.receive(f, now)) return;
        if (!(f instanceof Frame.Close c)) {
            throw new BridgeException(ErrorCode.MALFORMED, "unexpected frame from a client: " + f.getClass().getSimpleName().toLowerCase());
        }
        closedByClient.accept(new CloseReason(c.code(), c.reason()));
    }

    /**
     * A batch that waited is stale (its transport was replaced, or its polling client gave up on it
     * and sent again: a client sends one batch at a time): answered now, its frames not taken.
     */
    private void answer(Waiting w) {
        w.done().done(w.from().framing() == Framing.BATCH ? channel.reply() : List.of(), null);
    }

    /**
     * Whether a client frame goes through the gate rather than acting now: data or a close while
     * receiving is paused, or while frames wait before it. A resend of a message already
     * delivered acts now (the channel acknowledges it again).
     */
    private boolean holds(Frame f, long delivered) {
        if (!(f instanceof Frame.Data) && !(f instanceof Frame.Close)) return false;
        if (!paused && held.isEmpty() && waiting == null) return false;
        return !(f instanceof Frame.Data d) || d.seq() > delivered;
    }

    private boolean hasRoom() {
        return held.size() < maxMessages && heldBytes < maxBytes;
    }

    /**
     * Holds a data or close frame (a data frame's piggybacked ack is the caller's to apply now).
     * A resend of a held message is dropped. Throws what the channel would: {@code bad_sequence}
     * for a gap, {@code too_large} for a message above the limit.
     */
    private void hold(Frame f, long delivered) {
        if (f instanceof Frame.Data d) {
            long last = Math.max(delivered, lastHeld);
            if (d.seq() <= last) return;
            if (d.seq() != last + 1) throw new BridgeException(ErrorCode.BAD_SEQUENCE, "expected message " + (last + 1) + ", got " + d.seq());
            if (d.message().size() > maxMessageBytes) throw new BridgeException(ErrorCode.TOO_LARGE, "message larger than " + maxMessageBytes);
            held.add(new Frame.Data(d.seq(), d.message(), -1));
            heldBytes += d.message().size();
            lastHeld = d.seq();
        } else {
            held.add(f);
        }
    }
}
