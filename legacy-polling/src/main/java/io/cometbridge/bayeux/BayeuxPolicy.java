package io.cometbridge.bayeux;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.protocol.Message;

/**
 * What the application allows Bayeux clients to do: CometD's {@code SecurityPolicy} and channel
 * {@code Authorizer}s in one place (docs/MIGRATING.md). Called on container or session threads;
 * keep it fast and do not block. A refusal gets the Bayeux error form ({@code 403::...}) and
 * touches nothing else. The default allows everything.
 */
public interface BayeuxPolicy {
    BayeuxPolicy ALLOW_ALL = new BayeuxPolicy() { };

    /**
     * A new client. {@code ext} is the handshake's {@code ext} object as JSON text (credentials
     * usually travel there), or null; {@code remoteAddress} is the TCP peer.
     */
    default boolean canHandshake(String remoteAddress, String ext) {
        return true;
    }

    /** {@code channel} may be a wildcard ({@code /chat/*}). */
    default boolean canSubscribe(BridgeSession session, String channel) {
        return true;
    }

    /** {@code message.text()} is the {@code data} as JSON text, {@code message.topic()} the channel's room. */
    default boolean canPublish(BridgeSession session, String channel, Message message) {
        return true;
    }
}
