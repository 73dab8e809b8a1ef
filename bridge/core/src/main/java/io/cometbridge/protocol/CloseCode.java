package io.cometbridge.protocol;

/**
 * Why a session ended (docs/PROTOCOL.md section 6): the code and reason both sides' applications
 * see, and the WebSocket close code that carries the end to a socket. Together with
 * {@link ErrorCode} this is the whole code table; {@code bridge/spec/codes.json} holds the same
 * rows and both the Java and the browser client's tables are tested against it.
 */
public enum CloseCode {
    CLIENT_CLOSED(1000, "closed by the client"),
    SERVER_CLOSED(4000, "closed by the server"),
    GRACE_EXPIRED(4001, "grace period expired"),
    QUEUE_FULL(4002, "outbound queue full"),
    SHUTDOWN(4003, "server shutdown"),
    PROTOCOL_ERROR(4004, "protocol error");

    /** WebSocket close code for a socket whose session ended (RFC 6455 normal closure). */
    public static final int SOCKET_NORMAL = 1000;
    /** WebSocket close code for a socket whose session ended because the server is stopping. */
    public static final int SOCKET_GOING_AWAY = 1001;
    /** Codes an application may close a session with. */
    public static final int APPLICATION_MIN = 4000, APPLICATION_MAX = 4999;
    /** A close reason travels in a WebSocket close frame: at most 123 bytes of UTF-8. */
    public static final int MAX_REASON_BYTES = 123;

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** The WebSocket close code of a socket carrying a session that ended with {@code sessionCode}. */
    public static int socketCode(int sessionCode) {
        return sessionCode == SHUTDOWN.code ? SOCKET_GOING_AWAY : SOCKET_NORMAL;
    }

    /** {@code reason} cut to {@link #MAX_REASON_BYTES} bytes of UTF-8, never inside a character. */
    public static String capReason(String reason) {
        if (reason == null) return "";
        if (reason.length() * 3 <= MAX_REASON_BYTES) return reason; // cannot be too long
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > MAX_REASON_BYTES) return reason.substring(0, i);
            bytes += n;
            i += Character.charCount(cp);
        }
        return reason;
    }
}
