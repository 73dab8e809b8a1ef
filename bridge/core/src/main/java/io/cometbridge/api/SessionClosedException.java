package io.cometbridge.api;

/** A send that could not be delivered because the session ended first. */
public final class SessionClosedException extends RuntimeException {
    private final CloseReason reason;

    public SessionClosedException(CloseReason reason) {
        super("session closed: " + reason.code() + " " + reason.reason(), null, false, false);
        this.reason = reason;
    }

    public CloseReason reason() {
        return reason;
    }
}
