package io.cometbridge.channel;

import java.time.Duration;

/**
 * The tunables of a {@link Channel}: how it acknowledges and how much it keeps.
 *
 * @param ackDelay          longest an acknowledgement owed on a streaming transport waits for a data
 *                          frame to ride on before it goes out alone
 * @param ackEvery          acknowledge at once after this many unacknowledged messages
 * @param maxInboundBytes   largest message accepted from the peer (text in UTF-16 units, binary in bytes)
 * @param maxQueuedMessages replay buffer bound, in messages
 * @param maxQueuedBytes    replay buffer bound, in payload bytes
 */
public record ChannelPolicy(Duration ackDelay, int ackEvery, int maxInboundBytes,
                            int maxQueuedMessages, long maxQueuedBytes) {

    /** The protocol's defaults (docs/PROTOCOL.md section 2): ack within 25 ms or every 32 messages. */
    public static final Duration DEFAULT_ACK_DELAY = Duration.ofMillis(25);
    public static final int DEFAULT_ACK_EVERY = 32;

    public ChannelPolicy {
        if (ackDelay.isNegative() || ackEvery < 1 || maxInboundBytes < 1 || maxQueuedMessages < 1 || maxQueuedBytes < 1) {
            throw new IllegalArgumentException("channel limits must be positive");
        }
    }

    /** The same policy acknowledging as the peer asked (the open frame's {@code ackMs}/{@code ackEvery}). */
    public ChannelPolicy withAcks(Duration delay, int every) {
        return new ChannelPolicy(delay, every, maxInboundBytes, maxQueuedMessages, maxQueuedBytes);
    }
}
