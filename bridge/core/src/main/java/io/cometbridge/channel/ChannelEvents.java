package io.cometbridge.channel;

import io.cometbridge.protocol.Message;

/**
 * What a {@link Channel} tells its owner, synchronously, from inside the call that caused it.
 *
 * @param <T> the completion token the owner queued each message with
 */
public interface ChannelEvents<T> {

    /** A message from the peer, delivered exactly once and in order. */
    void deliver(Message message);

    /** The peer acknowledged a message queued with this (non-null) token. */
    void acknowledged(T token);

    /** The answer to the owner's ping with this timestamp came back. */
    default void pong(long ts) {
    }

    /** A duplicate of a message already delivered was dropped. */
    default void duplicate() {
    }
}
