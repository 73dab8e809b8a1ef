package io.cometbridge.session;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.ChannelEvents;
import io.cometbridge.protocol.Message;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where a session's events meet the application: the channel's deliveries and acknowledgements,
 * and the open and close callbacks, each counted in the session's statistics. An application
 * callback that throws is logged and does not disturb the session. Runs on the session's executor.
 */
final class SessionEvents implements ChannelEvents<CompletableFuture<Void>> {
    private static final Logger LOG = Logger.getLogger(Session.class.getName());

    private final Session session;
    private final BridgeHandler handler;
    private final LongSupplier micros; // the bridge's clock, in the unit of ping timestamps
    private TransportKind inbound = TransportKind.WEBSOCKET; // the transport whose frames are being processed

    SessionEvents(Session session, BridgeHandler handler, LongSupplier micros) {
        this.session = session;
        this.handler = handler;
        this.micros = micros;
    }

    /** Frames about to be processed came over this kind of transport (for the statistics). */
    void inboundOver(TransportKind kind) {
        inbound = kind;
    }

    void opened() {
        call("onOpen", () -> handler.onOpen(session));
    }

    void closed(CloseReason reason) {
        call("onClose", () -> handler.onClose(session, reason));
    }

    @Override
    public void deliver(Message message) {
        session.stats().received(inbound, message.size());
        call("onMessage (the message counts as delivered)", () -> handler.onMessage(session, message));
    }

    @Override
    public void acknowledged(CompletableFuture<Void> token) {
        token.complete(null);
    }

    /** The answer to the session's ping (its timestamp in the bridge's microseconds) came back. */
    @Override
    public void pong(long ts) {
        session.stats().roundTrip(inbound, (micros.getAsLong() - ts) * 1000);
    }

    @Override
    public void duplicate() {
        session.stats().duplicate();
    }

    private void call(String callback, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, callback + " failed for session " + session.stats().label(), e);
        }
    }
}
