package io.cometbridge.channel;

/** How a transport carries frames, which decides how a {@link Channel} acknowledges. */
public enum Framing {
    /**
     * One frame per message on a lasting connection (WebSocket): acknowledgements ride on data
     * frames, or go alone once due ({@link Channel#tick}).
     */
    STREAM,
    /**
     * Batches in requests and responses (long-polling): every batch that goes out ends with the
     * acknowledgement owed, so no timer is needed.
     */
    BATCH
}
