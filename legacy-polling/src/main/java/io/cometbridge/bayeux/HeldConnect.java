package io.cometbridge.bayeux;

import com.google.gson.JsonObject;

/** A {@code /meta/connect} the server holds: the Bayeux receive, answered with messages or at its timeout. */
final class HeldConnect {
    final JsonObject request;
    final ReplyBatch batch;
    final int slot;
    /** The client's {@code ext.ack} (the last batch it received), or -1 without the ack extension. */
    final long clientAck;
    final long timeoutMillis;
    final Timesync timesync;
    /** Where the client stands: its ack, or (without the ack extension) everything sent so far. Set on the executor. */
    long ack;

    HeldConnect(JsonObject request, ReplyBatch batch, int slot, long clientAck, long timeoutMillis) {
        this.request = request;
        this.batch = batch;
        this.slot = slot;
        this.clientAck = clientAck;
        this.timeoutMillis = timeoutMillis;
        this.timesync = Timesync.of(request);
    }
}
