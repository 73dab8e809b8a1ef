package io.cometbridge.session;

import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;

import java.time.Duration;
import java.util.List;

/**
 * Every tunable of the session core, with production defaults. Immutable; build with
 * {@link #builder()}. The server's command line maps one option to each field.
 *
 * @param pollTimeout         how long a long-poll is held before answering empty (below proxy idle cuts of 30–60 s)
 * @param heartbeatInterval   server ping period on push transports; a transport silent for twice this is dead
 * @param gracePeriod         how long a session outlives its last transport
 * @param attachTimeout       how long a new WebSocket may stay without attaching
 * @param maxMessageBytes     largest single message accepted (either transport)
 * @param maxRequestBytes     largest polling request body; at least the largest encoded message
 *                            ({@link Message#maxWireSize}: JSON escaping can grow text sixfold) plus
 *                            frame overhead, so every accepted message fits a request. Left unset,
 *                            it is derived from {@code maxMessageBytes} that way.
 * @param maxBatchBytes       a poll response stops adding messages past this size (one message always fits)
 * @param maxQueuedMessages   replay buffer bound per session, in messages
 * @param maxQueuedBytes      replay buffer bound per session, in payload bytes
 * @param maxSessions         sessions per server; past it new sessions get server_full
 * @param maxBatchFrames      frames in one polling request body; past it the request gets too_large
 * @param newSessionsPerSecond new sessions per second per client address (token bucket refill rate)
 * @param newSessionBurst     new sessions one address may open at once before the rate applies
 * @param allowedOrigins      Origin allowlist; empty means same-origin only; "*" allows any
 * @param ackDelay            longest delay before acknowledging received messages
 * @param ackEvery            acknowledge at once after this many unacknowledged messages
 * @param abPollingShare      the share (0 to 1) of new sessions drawn into the polling A/B cohort (docs/PROTOCOL.md 10.3)
 */
public record BridgeConfig(
        Duration pollTimeout,
        Duration heartbeatInterval,
        Duration gracePeriod,
        Duration attachTimeout,
        int maxMessageBytes,
        int maxRequestBytes,
        int maxBatchBytes,
        int maxQueuedMessages,
        long maxQueuedBytes,
        int maxSessions,
        int maxBatchFrames,
        double newSessionsPerSecond,
        int newSessionBurst,
        List<String> allowedOrigins,
        Duration ackDelay,
        int ackEvery,
        double abPollingShare) {

    public BridgeConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        requirePositive(pollTimeout, "pollTimeout");
        requirePositive(heartbeatInterval, "heartbeatInterval");
        requirePositive(attachTimeout, "attachTimeout");
        if (gracePeriod.isNegative()) throw new IllegalArgumentException("gracePeriod must not be negative");
        if (maxMessageBytes < 1 || maxRequestBytes < 1 || maxBatchBytes < 1 || maxQueuedMessages < 1
                || maxQueuedBytes < 1 || maxSessions < 1 || ackEvery < 1 || maxBatchFrames < 1
                || newSessionsPerSecond <= 0 || newSessionBurst < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (!(abPollingShare >= 0 && abPollingShare <= 1)) throw new IllegalArgumentException("abPollingShare must be from 0 to 1");
        if (maxRequestBytes < requestBytesFor(maxMessageBytes)) {
            throw new IllegalArgumentException("maxRequestBytes " + maxRequestBytes + " cannot carry a message of maxMessageBytes "
                    + maxMessageBytes + " (JSON escaping can grow text sixfold): it must be at least " + requestBytesFor(maxMessageBytes));
        }
    }

    /** The smallest polling request limit that carries any message of {@code maxMessageBytes} in one request. */
    public static int requestBytesFor(int maxMessageBytes) {
        return (int) Math.min(Integer.MAX_VALUE, Message.maxWireSize(maxMessageBytes) + REQUEST_OVERHEAD);
    }

    /** Room for a batch's brackets, a data frame's sequence number and ack, and an ack frame. */
    static final int REQUEST_OVERHEAD = 128;

    private static void requirePositive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(name + " must be positive");
    }

    /** What the open frame tells clients: the timings, the acknowledgement policy and the limits. */
    public Frame.Settings clientSettings() {
        return new Frame.Settings(heartbeatInterval.toMillis(), pollTimeout.toMillis(), gracePeriod.toMillis(),
                ackDelay.toMillis(), ackEvery, maxMessageBytes, maxRequestBytes, maxBatchFrames);
    }

    /** A transport with no traffic (and no held poll) for this long is dead. */
    public Duration heartbeatTimeout() {
        return heartbeatInterval.multipliedBy(2);
    }

    public static BridgeConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.pollTimeout = pollTimeout;
        b.heartbeatInterval = heartbeatInterval;
        b.gracePeriod = gracePeriod;
        b.attachTimeout = attachTimeout;
        b.maxMessageBytes = maxMessageBytes;
        b.maxRequestBytes = maxRequestBytes;
        b.maxBatchBytes = maxBatchBytes;
        b.maxQueuedMessages = maxQueuedMessages;
        b.maxQueuedBytes = maxQueuedBytes;
        b.maxSessions = maxSessions;
        b.maxBatchFrames = maxBatchFrames;
        b.newSessionsPerSecond = newSessionsPerSecond;
        b.newSessionBurst = newSessionBurst;
        b.allowedOrigins = allowedOrigins;
        b.ackDelay = ackDelay;
        b.ackEvery = ackEvery;
        b.abPollingShare = abPollingShare;
        return b;
    }

    public static final class Builder {
        private Duration pollTimeout = Duration.ofSeconds(20);
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private Duration gracePeriod = Duration.ofSeconds(30);
        private Duration attachTimeout = Duration.ofSeconds(10);
        private int maxMessageBytes = 256 * 1024;
        private int maxRequestBytes = -1; // derived from maxMessageBytes
        private int maxBatchBytes = 256 * 1024;
        private int maxQueuedMessages = 4096;
        private long maxQueuedBytes = 8L * 1024 * 1024;
        private int maxSessions = 100_000;
        private int maxBatchFrames = 1000;
        private double newSessionsPerSecond = 20;
        private int newSessionBurst = 50;
        private List<String> allowedOrigins = List.of();
        private Duration ackDelay = Duration.ofMillis(25);
        private int ackEvery = 32;
        private double abPollingShare = 0;

        public Builder pollTimeout(Duration d) { pollTimeout = d; return this; }
        public Builder heartbeatInterval(Duration d) { heartbeatInterval = d; return this; }
        public Builder gracePeriod(Duration d) { gracePeriod = d; return this; }
        public Builder attachTimeout(Duration d) { attachTimeout = d; return this; }
        public Builder maxMessageBytes(int n) { maxMessageBytes = n; return this; }
        public Builder maxRequestBytes(int n) { maxRequestBytes = n; return this; }
        public Builder maxBatchBytes(int n) { maxBatchBytes = n; return this; }
        public Builder maxQueuedMessages(int n) { maxQueuedMessages = n; return this; }
        public Builder maxQueuedBytes(long n) { maxQueuedBytes = n; return this; }
        public Builder maxSessions(int n) { maxSessions = n; return this; }
        public Builder maxBatchFrames(int n) { maxBatchFrames = n; return this; }
        public Builder newSessionsPerSecond(double n) { newSessionsPerSecond = n; return this; }
        public Builder newSessionBurst(int n) { newSessionBurst = n; return this; }
        public Builder allowedOrigins(List<String> origins) { allowedOrigins = origins; return this; }
        public Builder ackDelay(Duration d) { ackDelay = d; return this; }
        public Builder ackEvery(int n) { ackEvery = n; return this; }
        /** The share of new sessions put in the polling A/B cohort (0: no split, the default). */
        public Builder abPollingShare(double share) { abPollingShare = share; return this; }

        public BridgeConfig build() {
            return new BridgeConfig(pollTimeout, heartbeatInterval, gracePeriod, attachTimeout, maxMessageBytes,
                    maxRequestBytes < 0 ? requestBytesFor(maxMessageBytes) : maxRequestBytes, maxBatchBytes, maxQueuedMessages, maxQueuedBytes, maxSessions, maxBatchFrames,
                    newSessionsPerSecond, newSessionBurst, allowedOrigins,
                    ackDelay, ackEvery, abPollingShare);
        }
    }
}
