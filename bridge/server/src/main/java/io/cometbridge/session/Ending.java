package io.cometbridge.session;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;

/** How a session ended on this node, and so what a request that reaches it afterwards hears. */
enum Ending {
    /** Ended for good (closed by either side, expired, or its stored state lost): it exists nowhere now. */
    FOR_GOOD,
    /** Ended on this node only (moved to another node, draining, store unreachable): its stored state stays. */
    HERE_ONLY;

    /**
     * The answer to a request that reaches the session after it ended: {@code unknown_session} if it
     * ended for good; if it ended here only, {@code transport_replaced}, whatever key the request
     * presents (a newer owner's keys are not known here): the client attaches again, and that
     * attach, which finds no session here, is checked against the stored keys where the session
     * now is. An unknown_session would make the client start over and fail its unacknowledged sends.
     */
    BridgeException refusal() {
        return this == HERE_ONLY
                ? new BridgeException(ErrorCode.TRANSPORT_REPLACED, "the session moved to another node: attach again")
                : new BridgeException(ErrorCode.UNKNOWN_SESSION, "unknown or expired session");
    }

    /** Whether the stored state outlives the session here (another node may take it over). */
    boolean keepsStored() {
        return this == HERE_ONLY;
    }
}
