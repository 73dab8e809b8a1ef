package io.cometbridge.polling;

import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.server.WireMeter;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.Session;
import io.cometbridge.transport.Transport;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A session's long-polling transport (docs/PROTOCOL.md section 4): a pull transport that can
 * send only into the one receive request the client holds open. All its state is touched on the
 * session's executor.
 */
final class PollingTransport implements Transport {
    private final Bridge bridge;
    private final WireMeter attachMeter;
    private PollExchange attachExchange;
    private Session session;
    private PollExchange held;
    private ScheduledFuture<?> holdTimer;
    private boolean replaced;

    private final String remoteAddress;

    PollingTransport(Bridge bridge, PollExchange attachExchange, WireMeter attachMeter, String remoteAddress) {
        this.bridge = bridge;
        this.attachExchange = attachExchange;
        this.attachMeter = attachMeter;
        this.remoteAddress = remoteAddress;
    }

    /**
     * Parks a receive request. A receive already parked is ended with poll_conflict (a newer
     * receive wins); the new one is answered empty when the poll timeout passes.
     */
    void hold(PollExchange exchange) {
        if (held != null) {
            held.fail(new BridgeException(ErrorCode.POLL_CONFLICT, "a newer receive request replaced this one"));
            cancelTimer();
        }
        held = exchange;
        exchange.onAbandoned(() -> session.execute(() -> unhold(exchange)));
        holdTimer = bridge.scheduler().schedule(() -> session.execute(() -> {
            if (held == exchange) {
                unhold(exchange);
                exchange.respond("[]");
            }
        }), bridge.config().pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Forgets a parked request (answered elsewhere, or its client left). */
    void unhold(PollExchange exchange) {
        if (held == exchange) {
            held = null;
            cancelTimer();
        }
    }

    boolean isReplaced() {
        return replaced;
    }

    private void cancelTimer() {
        if (holdTimer != null) {
            holdTimer.cancel(false);
            holdTimer = null;
        }
    }

    @Override
    public TransportKind kind() {
        return TransportKind.POLLING;
    }

    @Override
    public boolean isPull() {
        return true;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean canSend() {
        return held != null && !replaced;
    }

    @Override
    public void send(List<Frame> frames) {
        PollExchange exchange = held;
        unhold(exchange);
        exchange.respond(FrameCodec.encodeBatch(frames));
    }

    @Override
    public void opened(Session session, Frame.Open open) {
        this.session = session;
        attachMeter.bind(session.stats(), TransportKind.POLLING); // the attach request: charged once the session exists
        attachExchange.respond("[" + FrameCodec.encode(open) + "]");
        attachExchange = null;
    }

    /** Released at once, even empty: a parked poll must never stall a transport switch. */
    @Override
    public void detached(int closeCode, String reason) {
        replaced = true;
        PollExchange exchange = held;
        if (exchange != null) {
            unhold(exchange);
            exchange.respond("[]");
        }
    }
}
