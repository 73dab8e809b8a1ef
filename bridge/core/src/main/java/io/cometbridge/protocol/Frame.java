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
     * Client → server: attach this transport to session {@code sid} (null: a new session), having
     * received server messages up to {@code last}. {@code key} is the resume key of the session's
     * latest open frame (required to resume; null for a new session). {@code ws} (optional, null
     * when absent) is the nonce the client put in its WebSocket URLs, so the server can tell it why
     * those WebSocket attempts failed (a {@link Notice}). {@code auth} (optional) is the client's
     * credential token for the server's authentication hook.
     */
    record Attach(String sid, String key, long last, String ws, String auth) implements Frame {
        public Attach(String sid, long last) {
            this(sid, null, last, null, null);
        }

        public Attach(String sid, String key, long last, String ws) {
            this(sid, key, last, ws, null);
        }

        /** {@code auth}, the client's credential token, is never printed. */
        @Override
        public String toString() {
            return "Attach[sid=" + (sid == null ? "none" : "…") + ", last=" + last + ", ws=" + ws + (auth != null ? ", auth=…" : "") + "]";
        }
    }

    /**
     * Server → client: the answer to attach. {@code key}: the resume key the client presents at its
     * next attach (and on this transport's polling requests); a new one at every attach.
     * {@code ack}: the highest client message the server has (the client resends what follows).
     * {@code next}: the first server message the server sends now (resent or new; 0 when unknown):
     * above the client's last + 1 means messages the client never got are gone, and the session
     * cannot go on. {@code settings}: how the server wants the client to behave. {@code cohort}:
     * the session's A/B cohort when the server runs a split ({@code "polling"}: never use or probe
     * WebSocket), else null (docs/PROTOCOL.md section 10.3).
     */
    record Open(String sid, String key, long ack, long next, boolean resumed, Settings settings, String cohort) implements Frame {

        public Open(String sid, String key, long ack, long next, boolean resumed, Settings settings) {
            this(sid, key, ack, next, resumed, settings, null);
        }

        /** Whether the server put this session in the polling cohort: WebSocket is refused to it. */
        public boolean pollingOnly() {
            return "polling".equals(cohort);
        }

        /** Whether a client that has received up to {@code received} misses messages the server cannot resend. */
        public boolean leavesGapAfter(long received) {
            return next > received + 1;
        }
    }

    /**
     * The server's settings a client follows, sent in every open frame: heartbeat interval, poll
     * hold and grace period (ms), the acknowledgement policy, and the limits of what it accepts
     * (largest message, largest polling request body, frames per polling request).
     */
    record Settings(long heartbeatMillis, long pollMillis, long graceMillis, long ackMillis, int ackEvery,
                    int maxMessageBytes, int maxRequestBytes, int maxBatchFrames) {
        /** What a client assumes of a server whose open frame does not say (protocol version 1 defaults). */
        public static final Settings DEFAULTS = new Settings(15_000, 20_000, 30_000, 25, 32, 256 * 1024, 1024 * 1024, 1000);
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

    /** A control frame of a type this version does not know (a newer peer's): clients ignore it, the server refuses it. */
    record Unknown(String type) implements Frame {
    }

    /**
     * Server → client: information that changes nothing in the session, e.g. why the client's
     * WebSocket attempts failed ({@code kind} "ws_fallback"). Sent only to clients that asked for
     * it (an attach with {@code ws}).
     */
    record Notice(String kind, String reason) implements Frame {
        /** The server is going away: attach the session again now, through the load balancer (PROTOCOL.md 1.2). */
        public static final String MOVE = "move";
    }
}
