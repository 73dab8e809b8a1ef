package io.cometbridge.protocol;

/**
 * Every documented error (docs/PROTOCOL.md section 5): its wire name, HTTP status and WebSocket
 * close code (0 where one of them does not apply). With {@link CloseCode} this is the whole code
 * table; {@code bridge/spec/codes.json} holds the same rows for the browser client's tests.
 * {@code origin_not_allowed} has no close frame on the wire (the handshake is refused with 403);
 * its 4403 is what a client reports when it gives up for that reason.
 */
public enum ErrorCode {
    MALFORMED("malformed", 400, 4400, ClientAction.RETRY),
    BAD_SEQUENCE("bad_sequence", 400, 4400, ClientAction.RETRY),
    MISSING_SESSION("missing_session", 400, 0, ClientAction.GIVE_UP),
    UNAUTHORIZED("unauthorized", 401, 0, ClientAction.GIVE_UP),
    AUTH_REFUSED("auth_refused", 401, 4401, ClientAction.GIVE_UP),
    PRINCIPAL_CHANGED("principal_changed", 403, 4406, ClientAction.NEW_SESSION),
    ORIGIN_NOT_ALLOWED("origin_not_allowed", 403, 4403, ClientAction.GIVE_UP),
    UNKNOWN_SESSION("unknown_session", 404, 4404, ClientAction.NEW_SESSION),
    NOT_FOUND("not_found", 404, 0, ClientAction.GIVE_UP),
    METHOD_NOT_ALLOWED("method_not_allowed", 405, 0, ClientAction.GIVE_UP),
    POLL_CONFLICT("poll_conflict", 409, 0, ClientAction.RETRY),
    TRANSPORT_REPLACED("transport_replaced", 409, 4409, ClientAction.RETRY),
    TOO_LARGE("too_large", 413, 1009, ClientAction.GIVE_UP),
    HOST_NOT_ALLOWED("host_not_allowed", 421, 0, ClientAction.GIVE_UP),
    UPGRADE_REQUIRED("upgrade_required", 426, 0, ClientAction.RETRY),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, 0, ClientAction.GIVE_UP),
    RATE_LIMITED("rate_limited", 429, 4429, ClientAction.RETRY),
    SERVER_FULL("server_full", 503, 4503, ClientAction.RETRY),
    ATTACH_TIMEOUT("attach_timeout", 0, 4408, ClientAction.RETRY),
    HEARTBEAT_TIMEOUT("heartbeat_timeout", 0, 4008, ClientAction.RETRY),
    /** The session is in the polling A/B cohort: a WebSocket may not carry it; the client goes on over long-polling. */
    POLLING_COHORT("polling_cohort", 0, 4412, ClientAction.RETRY);

    /** What a client does when the server answers with an error (docs/PROTOCOL.md section 5). */
    public enum ClientAction {
        /** Try again (the same transport or the next), with backoff; the session lives on. */
        RETRY,
        /** The server no longer knows the session: start a new one and tell the application. */
        NEW_SESSION,
        /** Retrying cannot help (a wrong URL, a refused origin, a message the server will never take): stop and say why. */
        GIVE_UP
    }

    private final String wireName;
    private final int httpStatus;
    private final int closeCode;
    private final ClientAction clientAction;

    ErrorCode(String wireName, int httpStatus, int closeCode, ClientAction clientAction) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
        this.closeCode = closeCode;
        this.clientAction = clientAction;
    }

    public ClientAction clientAction() {
        return clientAction;
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

    /** The first error whose WebSocket close code is {@code closeCode}, or {@code otherwise}. */
    public static ErrorCode fromCloseCode(int closeCode, ErrorCode otherwise) {
        for (ErrorCode c : values()) {
            if (c.closeCode == closeCode && closeCode != 0) return c;
        }
        return otherwise;
    }

    public static ErrorCode fromWireName(String name) {
        for (ErrorCode c : values()) {
            if (c.wireName.equals(name)) return c;
        }
        return null;
    }
}
