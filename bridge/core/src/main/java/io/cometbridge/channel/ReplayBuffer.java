package io.cometbridge.channel;

import io.cometbridge.protocol.Message;

import java.util.function.Consumer;

/**
 * One direction's outbound queue: every message not yet acknowledged, with its sequence number,
 * bounded in count and bytes. A cursor marks the next message to put on the wire; re-attaching
 * moves it back to the first message the peer lacks. Not thread-safe: its owner serializes access.
 *
 * <p>A ring array that grows on demand keeps an idle session small. The messages' sequence numbers
 * are consecutive, so they are not stored: the oldest is {@code nextSeq - count}. The ring holds
 * the messages themselves (a broadcast's one shared {@link Message} in every receiver's ring), and
 * a second ring beside it the tokens, made only when a message comes with one (a broadcast has
 * none). So queuing a message allocates nothing, and acknowledging reads no per-message object but
 * the shared message.
 *
 * @param <T> what the owner wants back when a message is acknowledged (a future, say); may be null
 */
public final class ReplayBuffer<T> {

    /** Ring slots kept across acknowledgements; a larger ring shrinks back to this once emptied. */
    static final int STEADY = 64;
    private static final int SMALLEST = 4; // a power of two, as every ring length is

    private final int maxMessages;
    private final long maxBytes;
    private Message[] messages = new Message[SMALLEST];
    private Object[] tokens;   // same length and slots as messages; null until a message comes with a token
    private int head;          // slot of the oldest unacknowledged message
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
        if (count == messages.length) grow();
        int slot = slot(count);
        messages[slot] = message;
        if (token != null) {
            if (tokens == null) tokens = new Object[messages.length];
            tokens[slot] = token;
        }
        nextSeq++;
        count++;
        bytes += size;
        return true;
    }

    /** Slots in the ring now (for tests). */
    int capacity() {
        return messages.length;
    }

    /** The ring slot of the message {@code offset} places after the oldest. */
    private int slot(int offset) {
        return (head + offset) & (messages.length - 1);
    }

    private void grow() {
        Message[] biggerMessages = new Message[messages.length * 2];
        Object[] biggerTokens = tokens == null ? null : new Object[biggerMessages.length];
        for (int i = 0; i < count; i++) {
            int from = slot(i);
            biggerMessages[i] = messages[from];
            if (tokens != null) biggerTokens[i] = tokens[from];
        }
        messages = biggerMessages;
        tokens = biggerTokens;
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
        for (long n = Math.min(count, seq - firstSeq() + 1); n > 0; n--) {
            int slot = head;
            bytes -= messages[slot].size();
            messages[slot] = null;
            Object token = tokens == null ? null : tokens[slot];
            head = slot(1);
            count--;
            if (token != null) {
                tokens[slot] = null;
                acked.accept((T) token);
            }
        }
        if (cursor <= seq) cursor = seq + 1;
        // Shrink after a burst only, and only to the steady size: a session that streams steadily
        // keeps its ring rather than regrowing it 4, 8, 16, ... per acknowledgement. A polling
        // session empties its ring on most polls (each acknowledges all it was sent); one that
        // once held more than the steady size shrank back to the smallest and regrew every poll.
        if (count == 0 && messages.length > STEADY) {
            messages = new Message[STEADY];
            tokens = null;
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

    /** The next message to send, without taking it. Call only when {@link #hasUnsent()}. */
    public Message peekUnsent() {
        return messages[slot((int) (cursor - firstSeq()))];
    }

    /** Takes the next message to send (the one {@link #peekUnsent} shows): returns its sequence number. */
    public long takeUnsent() {
        return cursor++;
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
        Object[] pending = tokens;
        int first = head;
        int waiting = count;
        int mask = messages.length - 1;
        messages = new Message[SMALLEST];
        tokens = null;
        head = 0;
        count = 0;
        bytes = 0;
        cursor = nextSeq;
        if (pending == null) return;
        for (int i = 0; i < waiting; i++) {
            Object token = pending[(first + i) & mask];
            if (token != null) failed.accept((T) token);
        }
    }
}
