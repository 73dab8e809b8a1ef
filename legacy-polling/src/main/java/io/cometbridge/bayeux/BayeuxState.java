package io.cometbridge.bayeux;

import io.cometbridge.api.BridgeSession;

/**
 * What the Bayeux endpoint keeps per client, beside the bridge session that is the client: kept
 * in the session's attributes (under {@link #KEY}), so it lives and dies with the session.
 */
final class BayeuxState {
    static final String KEY = "io.cometbridge.bayeux.state";
    /** The handshake's {@code ext} object as JSON text, for the application ({@code session.attributes()}). */
    static final String HANDSHAKE_EXT = "bayeux.handshake.ext";

    /** The client negotiated the {@code ack} extension: it names the last batch it received on every connect. */
    final boolean ack;
    /** Sequence number given to the client's last publish (the session's executor only). */
    long inbound;
    /** The highest message sequence number put in a connect answer (the session's executor only). */
    long lastSent;
    /** The transport attached last (publishes are fed through it). */
    volatile BayeuxTransport transport;
    /**
     * The resume key of the latest open frame. A Bayeux client proves its session by its clientId
     * alone (the protocol has nothing more), so the endpoint holds the key for it: it presents it
     * when it moves the session to a new link and on every connect (docs/PROTOCOL.md section 2.1).
     */
    volatile String resumeKey;

    BayeuxState(boolean ack) {
        this.ack = ack;
    }

    /** The Bayeux state of a session, or null for a session of the bridge's own protocol. */
    static BayeuxState of(BridgeSession session) {
        return session.attributes().get(KEY) instanceof BayeuxState s ? s : null;
    }
}
