package io.cometbridge.session;

/**
 * A session's life: NEW until its first attach, then ATTACHED and DETACHED as transports come and
 * go (DETACHED = inside the grace period), and finally CLOSED. CLOSED is terminal.
 */
public enum SessionState {
    NEW,
    ATTACHED,
    DETACHED,
    CLOSED
}
