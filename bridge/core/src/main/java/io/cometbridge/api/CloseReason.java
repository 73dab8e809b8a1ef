package io.cometbridge.api;

/** Why a session ended: a code and a reason (docs/PROTOCOL.md section 6). */
public record CloseReason(int code, String reason) {
    public static final CloseReason CLIENT_CLOSED = new CloseReason(1000, "closed by the client");
    public static final CloseReason SERVER_CLOSED = new CloseReason(4000, "closed by the server");
    public static final CloseReason GRACE_EXPIRED = new CloseReason(4001, "grace period expired");
    public static final CloseReason QUEUE_FULL = new CloseReason(4002, "outbound queue full");
    public static final CloseReason SHUTDOWN = new CloseReason(4003, "server shutdown");
    public static final CloseReason PROTOCOL_ERROR = new CloseReason(4004, "protocol error");
}
