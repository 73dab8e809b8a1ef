package io.cometbridge.api;

import io.cometbridge.protocol.CloseCode;

/** Why a session ended: a code and a reason (docs/PROTOCOL.md section 6, {@link CloseCode}). */
public record CloseReason(int code, String reason) {
    public static final CloseReason CLIENT_CLOSED = of(CloseCode.CLIENT_CLOSED);
    public static final CloseReason SERVER_CLOSED = of(CloseCode.SERVER_CLOSED);
    public static final CloseReason GRACE_EXPIRED = of(CloseCode.GRACE_EXPIRED);
    public static final CloseReason QUEUE_FULL = of(CloseCode.QUEUE_FULL);
    public static final CloseReason SHUTDOWN = of(CloseCode.SHUTDOWN);
    public static final CloseReason PROTOCOL_ERROR = of(CloseCode.PROTOCOL_ERROR);

    public CloseReason {
        reason = CloseCode.capReason(reason);
    }

    public static CloseReason of(CloseCode code) {
        return new CloseReason(code.code(), code.reason());
    }

    /**
     * An application's own close: a code from 4000 to 4999 and a reason (cut to 123 bytes of UTF-8).
     *
     * @throws IllegalArgumentException for a code outside 4000–4999
     */
    public static CloseReason application(int code, String reason) {
        if (code < CloseCode.APPLICATION_MIN || code > CloseCode.APPLICATION_MAX) {
            throw new IllegalArgumentException("application close codes are 4000-4999, not " + code);
        }
        return new CloseReason(code, reason == null ? "" : reason);
    }
}
