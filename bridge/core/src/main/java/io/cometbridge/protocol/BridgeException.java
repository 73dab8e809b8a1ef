package io.cometbridge.protocol;

/** A documented protocol error; its {@link ErrorCode} decides the HTTP status or close code. */
public class BridgeException extends RuntimeException {
    private final ErrorCode code;

    public BridgeException(ErrorCode code, String message) {
        super(message, null, false, false); // expected on bad input: no stack trace cost
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The documented JSON error body. */
    public String toJson() {
        return "{\"error\":" + Json.quote(code.wireName()) + ",\"message\":" + Json.quote(getMessage()) + "}";
    }

    public Frame.Error toFrame() {
        return new Frame.Error(code.wireName(), getMessage());
    }
}
