package io.cometbridge.channel;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The delivery rules of docs/PROTOCOL.md section 2 for one end of a session, written once: the
 * server's session and the Java client both sit on it, and the browser client's {@code channel.js}
 * mirrors it name for name (both are tested against {@code bridge/spec/channel-cases.json}).
 *
 * <p>It owns sequencing and the replay buffer (outbound), de-duplication and gap detection
 * (inbound), the acknowledgement policy, and the queue of control frames waiting for the wire.
 * It is sans-IO: no threads, no I/O, no clock. The owner feeds it the peer's frames
 * ({@link #receive}), handshakes ({@link #resume}, {@link #takeAck}) and the time ({@link #tick}),
 * and asks it what to write ({@link #drain}, {@link #reply}). Everything else (transports,
 * lifecycle, timers, threads) is the owner's. Not thread-safe: the owner serializes calls.
 *
 * <p>Times are nanoseconds on the owner's monotonic clock ({@code System.nanoTime()} in Java).
 *
 * @param <T> the completion token of an outbound message, handed back when the peer acknowledges it
 */
public final class Channel<T> {
    /** Frame overhead counted per data frame against a drain's byte budget. */
    static final int FRAME_OVERHEAD = 16;
    /** How many of the latest messages delivered a duplicate is checked against. */
    static final int DIGESTS = 64;

    private final ChannelEvents<T> events;
    private ChannelPolicy policy;
    private final ReplayBuffer<T> outbound;
    /** Control frames waiting for the wire: at most one ack, ping and pong each; notices; a close. */
    private final ArrayDeque<Frame> controls = new ArrayDeque<>(2);
    private long received;          // highest peer sequence number delivered
    private long ackSent;           // highest peer sequence number acknowledged to the peer
    private long ackOwedSince = -1; // when an acknowledgement became owed, or -1
    private boolean closing;        // a close frame is queued: no data goes out any more
    private int[] digests;          // hashes of the latest DIGESTS messages delivered, by seq (made on the first)
    private long ackCeiling = Long.MAX_VALUE; // acknowledge no further than this (what a durable store holds)

    public Channel(ChannelPolicy policy, ChannelEvents<T> events) {
        this.policy = policy;
        this.events = events;
        this.outbound = new ReplayBuffer<>(policy.maxQueuedMessages(), policy.maxQueuedBytes());
    }

    // ================================================================ application -> peer

    /** Queues a message for the peer; false when the replay buffer is full (nothing is queued then). */
    public boolean offer(Message message, T token) {
        return !closing && outbound.offer(message, token);
    }

    /** Messages queued and not yet acknowledged by the peer. */
    public int unacknowledged() {
        return outbound.size();
    }

    /** Payload bytes queued and not yet acknowledged by the peer. */
    public long unacknowledgedBytes() {
        return outbound.bytes();
    }

    /** The highest sequence number handed to an outbound message so far. */
    public long lastAssigned() {
        return outbound.lastAssigned();
    }

    /** Fails every message the peer has not acknowledged (the session ended). */
    public void failAll(Consumer<? super T> failed) {
        outbound.failAll(failed);
    }

    // ================================================================ peer -> application

    /**
     * Takes a delivery frame from the peer: data, ack, ping or pong. Returns false for any other
     * frame (open, close, error, notice, ...): those are the owner's. Throws
     * {@link ErrorCode#BAD_SEQUENCE} for a gap or an ack of something never sent, and
     * {@link ErrorCode#TOO_LARGE} for a message above the inbound limit; frames before the one
     * that threw took effect.
     */
    public boolean receive(Frame frame, long now) {
        if (frame instanceof Frame.Data d) {
            onData(d, now);
        } else if (frame instanceof Frame.Ack a) {
            acknowledge(a.ack());
        } else if (frame instanceof Frame.Ping p) {
            queue(new Frame.Pong(p.ts())); // only the latest ping is answered: a flood cannot grow the queue
        } else if (frame instanceof Frame.Pong p) {
            events.pong(p.ts());
        } else {
            return false;
        }
        return true;
    }

    private void onData(Frame.Data d, long now) {
        if (d.ack() >= 0) acknowledge(d.ack());
        if (d.seq() <= received) {
            // A resend of something delivered: drop it and acknowledge again, or the peer's replay
            // buffer keeps it (and its sender waits) until the next handshake. It must be the same
            // message, or someone other than the sender wrote under that number.
            if (digests != null && received - d.seq() < DIGESTS && digests[slot(d.seq())] != d.message().hashCode()) {
                throw new BridgeException(ErrorCode.BAD_SEQUENCE, "a different message under a sequence number already delivered");
            }
            events.duplicate();
            ackSent = Math.min(ackSent, d.seq() - 1);
            owe(now);
            return;
        }
        if (d.seq() != received + 1) {
            throw new BridgeException(ErrorCode.BAD_SEQUENCE, "expected message " + (received + 1) + ", got " + d.seq());
        }
        if (d.message().size() > policy.maxInboundBytes()) {
            throw new BridgeException(ErrorCode.TOO_LARGE, "message larger than " + policy.maxInboundBytes());
        }
        received = d.seq();
        if (digests == null) digests = new int[DIGESTS];
        digests[slot(d.seq())] = d.message().hashCode();
        owe(now);
        events.deliver(d.message());
    }

    private static int slot(long seq) {
        return (int) (seq % DIGESTS);
    }

    private void acknowledge(long ack) {
        if (ack > outbound.lastAssigned()) {
            throw new BridgeException(ErrorCode.BAD_SEQUENCE, "acknowledgement of a message never sent");
        }
        outbound.acknowledge(ack, events::acknowledged);
    }

    private void owe(long now) {
        if (ackOwedSince < 0 && ackable() > ackSent) ackOwedSince = now;
    }

    /** What an acknowledgement may say: everything delivered, up to the ceiling. */
    private long ackable() {
        return Math.min(received, ackCeiling);
    }

    /**
     * Acknowledges nothing above {@code ceiling} until it is raised: a server whose sessions live
     * in a shared store acknowledges only what the store holds (docs/SCALE_OUT.md). Raising it makes
     * the acknowledgement of what it now covers owed. Unlimited by default.
     */
    public void limitAcks(long ceiling, long now) {
        ackCeiling = ceiling;
        owe(now);
    }

    /**
     * Continues a session another process started (docs/SCALE_OUT.md): the peer's messages up to
     * {@code received} were delivered there, and ours up to {@code lastAcknowledged} acknowledged.
     * Call once, on a fresh channel, before offering the messages still unacknowledged.
     */
    public void restore(long received, long lastAcknowledged) {
        if (this.received != 0 || outbound.lastAssigned() != 0) throw new IllegalStateException("not a fresh channel");
        this.received = received;
        this.ackSent = received;
        outbound.startAfter(lastAcknowledged);
    }

    /** The highest peer sequence number delivered (what an ack would say). */
    public long received() {
        return received;
    }

    // ================================================================ handshakes

    /**
     * The peer has everything up to {@code peerLast} and nothing after it (an attach's {@code last},
     * an open's {@code ack}, a polling receive's ack): acknowledge up to there and send the rest
     * again, from {@link #resendFrom()}. A resume point above what was sent is impossible
     * ({@link ErrorCode#BAD_SEQUENCE}); one below what the peer already acknowledged is stale (its
     * request was overtaken by a later acknowledgement on another connection) and counts as that
     * acknowledgement: those messages are gone, and the peer learns where sending resumes from
     * the open frame's {@code next}.
     */
    public void resume(long peerLast) {
        acknowledge(peerLast);
        outbound.rewindTo(Math.max(peerLast, outbound.lastAcknowledged()));
    }

    /**
     * The session moved to a new transport: control frames queued for the old one (acks, pings,
     * pongs, notices) are dropped, since the handshake carries the acknowledgement and heartbeats
     * start over. A close frame stays.
     */
    public void discardControls() {
        controls.removeIf(f -> !(f instanceof Frame.Close));
    }

    /** The sequence number sending resumes from after {@link #resume}: the first message not acknowledged. */
    public long resendFrom() {
        return outbound.lastAcknowledged() + 1;
    }

    /**
     * What went out on the current transport may not have arrived (a batch whose request failed):
     * send every message the peer has not acknowledged again. The peer drops what it already has.
     */
    public void rewind() {
        outbound.rewindTo(outbound.lastAcknowledged());
    }

    /**
     * The acknowledgement a frame of the owner's carries (an attach's {@code last}, an open's
     * {@code ack}, a polling receive's ack): everything received counts as acknowledged from now.
     */
    public long takeAck() {
        ackSent = Math.max(ackSent, ackable());
        ackOwedSince = -1;
        controls.removeIf(f -> f instanceof Frame.Ack);
        return ackSent;
    }

    /** Adopts the acknowledgement policy the peer announced. */
    public void useAckPolicy(java.time.Duration delay, int every) {
        policy = policy.withAcks(delay, every);
    }

    // ================================================================ channel -> peer

    /**
     * Queues a control frame for the next drain. An ack, ping or pong replaces a waiting one of its
     * kind (acks are cumulative; only the latest ping needs its pong), so the queue stays small
     * however a peer behaves. Nothing but the close frame is queued once closing.
     */
    public void queue(Frame control) {
        if (control instanceof Frame.Data || control instanceof Frame.Close) {
            throw new IllegalArgumentException("data and close frames have their own paths");
        }
        if (closing) return;
        if (control instanceof Frame.Ack || control instanceof Frame.Ping || control instanceof Frame.Pong) {
            controls.removeIf(c -> c.getClass() == control.getClass());
        }
        controls.add(control);
    }

    /**
     * Ends the channel with a close frame: it replaces every waiting control frame, no data goes
     * out after it, and it stays queued (across transports) until a drain takes it.
     */
    public void close(Frame.Close close) {
        closing = true;
        controls.clear();
        controls.add(close);
    }

    /** Whether a close frame still waits for the wire. */
    public boolean closePending() {
        return closing && !controls.isEmpty();
    }

    /** Whether anything waits for the wire: control frames or messages not yet sent on this transport. */
    public boolean hasOutput() {
        return !controls.isEmpty() || (!closing && outbound.hasUnsent());
    }

    /**
     * Queues the acknowledgement owed on a streaming transport once it is due: after
     * {@code ackEvery} messages, or {@code ackDelay} after the first unacknowledged one. Returns
     * {@link #ackDue()} afterwards, so the owner knows when to call again.
     */
    public long tick(long now) {
        if (ackOwedSince >= 0 && (ackable() - ackSent >= policy.ackEvery() || now - ackDue() >= 0)) {
            queue(new Frame.Ack(takeAck()));
        }
        return ackDue();
    }

    /** When the owed acknowledgement is due ({@link Long#MAX_VALUE} when none is owed). */
    public long ackDue() {
        if (ackOwedSince < 0) return Long.MAX_VALUE;
        return ackable() - ackSent >= policy.ackEvery() ? ackOwedSince : ackOwedSince + policy.ackDelay().toNanos();
    }

    /** Whether an acknowledgement is owed to the peer (queued or not). */
    public boolean ackOwed() {
        return ackOwedSince >= 0;
    }

    /**
     * The frames to write now, within a budget: every waiting control frame first, then messages
     * not yet sent, while they fit {@code maxBytes} (each message's {@link Message#wireSize()}
     * plus {@value #FRAME_OVERHEAD}) and {@code maxFrames}. A message alone always goes, even above
     * the budget (the limits are sized so that any accepted message fits a request).
     *
     * <p>{@link Framing#STREAM}: an owed acknowledgement rides on the first text data frame.
     * {@link Framing#BATCH}: an owed acknowledgement ends the batch as an ack frame.
     */
    public List<Frame> drain(Framing framing, int maxBytes, int maxFrames) {
        // Sized for everything waiting (a session behind a burst drains dozens at once), within the frame limit.
        List<Frame> out = new ArrayList<>(Math.min(maxFrames, controls.size() + outbound.unsent() + 1));
        while (!controls.isEmpty() && out.size() < maxFrames) out.add(controls.poll());
        if (!closing) {
            long budget = maxBytes;
            int reserve = framing == Framing.BATCH && ackOwedSince >= 0 ? 1 : 0;
            boolean any = false;
            while (outbound.hasUnsent() && out.size() + reserve < maxFrames) {
                Message message = outbound.peekUnsent();
                long cost = message.wireSize() + FRAME_OVERHEAD;
                if (any && cost > budget) break;
                long seq = outbound.takeUnsent();
                long ack = -1;
                if (framing == Framing.STREAM && ackOwedSince >= 0 && !message.isBinary()) ack = takeAck();
                out.add(new Frame.Data(seq, message, ack));
                budget -= cost;
                any = true;
            }
        }
        if (framing == Framing.BATCH && ackOwedSince >= 0 && out.size() < maxFrames) out.add(new Frame.Ack(takeAck()));
        return out;
    }

    /**
     * The answer to a batch the peer sent over a request/response transport (a polling send):
     * a waiting pong, then the acknowledgement of everything received.
     */
    public List<Frame> reply() {
        List<Frame> out = new ArrayList<>(2);
        controls.removeIf(c -> {
            if (!(c instanceof Frame.Pong)) return false;
            out.add(c);
            return true;
        });
        out.add(new Frame.Ack(takeAck()));
        return out;
    }

    @Override
    public String toString() {
        return "Channel[received " + received + ", ack sent " + ackSent + ", sent up to " + outbound.lastAssigned()
                + ", unacknowledged " + outbound.size() + ", controls " + controls.size() + (closing ? ", closing" : "") + "]";
    }
}
