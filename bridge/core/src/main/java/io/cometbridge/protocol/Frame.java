package io.cometbridge.protocol;

/**
 * A unit on the wire (docs/PROTOCOL.md section 1). Data frames carry application messages;
 * the others are control frames.
 */
public sealed interface Frame {

    /** An application message with its sequence number; {@code ack} is piggybacked, or -1. */
    record Data(long seq, Message message, long ack) implements Frame {
        public Data(long seq, Message message) {
            this(seq, message, -1);
        }
    }

    /**
     * Client → server: attach this transport to session {@code sid} (null: a new session).
     * {@code ws} (optional, null when absent) is the nonce the client put in its WebSocket URLs, so
     * the server can tell it why those WebSocket attempts failed (a {@link Notice}).
     */
    record Attach(String sid, long last, String ws) implements Frame {
        public Attach(String sid, long last) {
            this(sid, last, null);
        }
    }

    /**
     * Server → client: the answer to attach. {@code ack}: the highest client message the server
     * has (the client resends what follows). {@code next}: the first server message the server
     * sends now (resent or new; 0 when unknown): above the client's last + 1 means messages the
     * client never got are gone, and the session cannot go on. {@code ackMillis}/{@code ackEvery}
     * are the acknowledgement policy the server asks the client to follow.
     */
    record Open(String sid, long ack, long next, boolean resumed, long heartbeatMillis, long pollMillis,
                long graceMillis, long ackMillis, int ackEvery) implements Frame {
        /** The policy of protocol version 1 servers that did not announce one. */
        public static final long DEFAULT_ACK_MILLIS = 25;
        public static final int DEFAULT_ACK_EVERY = 32;

        public Open(String sid, long ack, boolean resumed, long heartbeatMillis, long pollMillis, long graceMillis) {
            this(sid, ack, 0, resumed, heartbeatMillis, pollMillis, graceMillis, DEFAULT_ACK_MILLIS, DEFAULT_ACK_EVERY);
        }

        /** Whether a client that has received up to {@code received} misses messages the server cannot resend. */
        public boolean leavesGapAfter(long received) {
            return next > received + 1;
        }
    }

    record Ack(long ack) implements Frame {
    }

    record Ping(long ts) implements Frame {
    }

    record Pong(long ts) implements Frame {
    }

    /** WebSocket only, before attach: an echo that proves the socket passes frames both ways. */
    record Probe() implements Frame {
    }

    /** Closes the session (not just the transport). */
    record Close(int code, String reason) implements Frame {
    }

    record Error(String error, String message) implements Frame {
    }

    /**
     * Server → client: information that changes nothing in the session, e.g. why the client's
     * WebSocket attempts failed ({@code kind} "ws_fallback"). Sent only to clients that asked for
     * it (an attach with {@code ws}).
     */
    record Notice(String kind, String reason) implements Frame {
    }
}
