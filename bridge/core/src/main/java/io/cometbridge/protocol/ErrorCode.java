package io.cometbridge.protocol;

/**
 * Every documented error (docs/PROTOCOL.md section 5): its wire name, HTTP status and WebSocket
 * close code (0 where one of them does not apply). With {@link CloseCode} this is the whole code
 * table; {@code bridge/spec/codes.json} holds the same rows for the browser client's tests.
 * {@code origin_not_allowed} has no close frame on the wire (the handshake is refused with 403);
 * its 4403 is what a client reports when it gives up for that reason.
 */
public enum ErrorCode {
    MALFORMED("malformed", 400, 4400),
    BAD_SEQUENCE("bad_sequence", 400, 4400),
    MISSING_SESSION("missing_session", 400, 0),
    UNAUTHORIZED("unauthorized", 401, 0),
    ORIGIN_NOT_ALLOWED("origin_not_allowed", 403, 4403),
    UNKNOWN_SESSION("unknown_session", 404, 4404),
    NOT_FOUND("not_found", 404, 0),
    METHOD_NOT_ALLOWED("method_not_allowed", 405, 0),
    POLL_CONFLICT("poll_conflict", 409, 0),
    TRANSPORT_REPLACED("transport_replaced", 409, 4409),
    TOO_LARGE("too_large", 413, 1009),
    HOST_NOT_ALLOWED("host_not_allowed", 421, 0),
    UPGRADE_REQUIRED("upgrade_required", 426, 0),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, 0),
    RATE_LIMITED("rate_limited", 429, 4429),
    SERVER_FULL("server_full", 503, 4503),
    ATTACH_TIMEOUT("attach_timeout", 0, 4408),
    HEARTBEAT_TIMEOUT("heartbeat_timeout", 0, 4008);

    private final String wireName;
    private final int httpStatus;
    private final int closeCode;

    ErrorCode(String wireName, int httpStatus, int closeCode) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
        this.closeCode = closeCode;
    }

    public String wireName() {
        return wireName;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int closeCode() {
        return closeCode;
    }

    public static ErrorCode fromWireName(String name) {
        for (ErrorCode c : values()) {
            if (c.wireName.equals(name)) return c;
        }
        return null;
    }
}
