package io.cometbridge.session;

/**
 * A session's life. NEW until its first attach; then ATTACHED and DETACHED as transports come and
 * go (DETACHED = inside the grace period); CLOSING once it has ended for the application while
 * its close frame still waits for the wire (a batch transport waits for the client's next
 * request); CLOSED when nothing is left. CLOSED is terminal.
 */
public enum SessionState {
    NEW,
    ATTACHED,
    DETACHED,
    CLOSING,
    CLOSED;

    /** The application's view: still able to send and receive. */
    public boolean isOpen() {
        return this == NEW || this == ATTACHED || this == DETACHED;
    }
}
