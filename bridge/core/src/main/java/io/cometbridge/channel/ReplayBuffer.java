package io.cometbridge.channel;

import io.cometbridge.protocol.Message;

import java.util.function.Consumer;

/**
 * One direction's outbound queue: every message not yet acknowledged, with its sequence number,
 * bounded in count and bytes. A cursor marks the next message to put on the wire; re-attaching
 * moves it back to the first message the peer lacks. Not thread-safe: its owner serializes access.
 *
 * <p>A ring array that grows on demand keeps an idle session small.
 *
 * @param <T> what the owner wants back when a message is acknowledged (a future, say); may be null
 */
public final class ReplayBuffer<T> {

    /** A queued message and its completion token (null when nobody waits for it, e.g. a broadcast). */
    public record Entry<T>(long seq, Message message, T token) {
    }

    /** Ring slots kept across acknowledgements; a larger ring goes once emptied. */
    static final int STEADY = 64;

    private final int maxMessages;
    private final long maxBytes;
    @SuppressWarnings("unchecked")
    private Entry<T>[] ring = new Entry[4];
    private int head;          // index of the oldest unacknowledged entry
    private int count;
    private long bytes;
    private long nextSeq = 1;  // sequence number of the next message offered
    private long cursor = 1;   // sequence number of the next message to send

    public ReplayBuffer(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Queues a message; false when the bound would be exceeded (nothing is queued then). */
    public boolean offer(Message message, T token) {
        int size = message.size();
        if (count == maxMessages || (count > 0 && bytes + size > maxBytes)) return false;
        if (count == ring.length) grow();
        ring[(head + count) % ring.length] = new Entry<>(nextSeq++, message, token);
        count++;
        bytes += size;
        return true;
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        Entry<T>[] bigger = new Entry[Math.min(Math.max(ring.length * 2, 4), Math.max(maxMessages, 4))];
        for (int i = 0; i < count; i++) bigger[i] = ring[(head + i) % ring.length];
        ring = bigger;
        head = 0;
    }

    /** Numbers the next message {@code lastAcknowledged + 1}: a buffer continuing another's (empty, nothing offered yet). */
    public void startAfter(long lastAcknowledged) {
        if (nextSeq != 1) throw new IllegalStateException("messages were offered already");
        nextSeq = lastAcknowledged + 1;
        cursor = nextSeq;
    }

    /** Releases every message up to {@code seq}, handing each non-null token to {@code acked}. */
    @SuppressWarnings("unchecked")
    public void acknowledge(long seq, Consumer<? super T> acked) {
        while (count > 0 && ring[head].seq() <= seq) {
            Entry<T> e = ring[head];
            ring[head] = null;
            head = (head + 1) % ring.length;
            count--;
            bytes -= e.message().size();
            if (e.token() != null) acked.accept(e.token());
        }
        if (cursor <= seq) cursor = seq + 1;
        // Shrink after a burst only: a session that streams steadily (a broadcast every few ms,
        // acknowledged every few dozen) keeps its ring rather than regrowing it 4, 8, 16, ... per ack.
        if (count == 0 && ring.length > STEADY) {
            ring = new Entry[4];
            head = 0;
        }
    }

    /** The peer has everything up to {@code last} and nothing after: send again from there. */
    public void rewindTo(long last) {
        cursor = Math.max(last + 1, firstSeq());
    }

    public boolean hasUnsent() {
        return cursor < nextSeq;
    }

    /** How many messages wait to be sent (at most {@link #size()}). */
    public int unsent() {
        return (int) (nextSeq - cursor);
    }

    /** The next message to send; advances the cursor. Call only when {@link #hasUnsent()}. */
    public Entry<T> nextUnsent() {
        Entry<T> e = peekUnsent();
        cursor++;
        return e;
    }

    /** Peeks at the next message to send without advancing. */
    public Entry<T> peekUnsent() {
        return ring[(head + (int) (cursor - firstSeq())) % ring.length];
    }

    private long firstSeq() {
        return nextSeq - count;
    }

    /** The highest sequence number handed out so far (0 before the first message). */
    public long lastAssigned() {
        return nextSeq - 1;
    }

    /** The highest sequence number the peer has acknowledged. */
    public long lastAcknowledged() {
        return firstSeq() - 1;
    }

    public int size() {
        return count;
    }

    public long bytes() {
        return bytes;
    }

    /** Empties the buffer, handing every non-null token to {@code failed}. Nothing is sent after this. */
    @SuppressWarnings("unchecked")
    public void failAll(Consumer<? super T> failed) {
        for (int i = 0; i < count; i++) {
            Entry<T> e = ring[(head + i) % ring.length];
            if (e.token() != null) failed.accept(e.token());
        }
        ring = new Entry[4];
        head = 0;
        count = 0;
        bytes = 0;
        cursor = nextSeq;
    }
}
