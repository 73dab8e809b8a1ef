package io.cometbridge.polling;

import io.cometbridge.api.AttachRequest;
import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.Framing;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.session.Bridge;
import io.cometbridge.transport.ConnectionMeter;
import io.cometbridge.transport.Transport;
import io.cometbridge.transport.TransportListener;
import io.cometbridge.util.Scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * A session's long-polling transport (docs/PROTOCOL.md section 4): a batch transport that can
 * send only into the one receive request the client holds open. The servlet hands it the
 * session's requests ({@link #onRecv}, {@link #onSend}); it asks the session what to answer. All its
 * state is touched on the session's executor.
 */
final class PollingTransport implements Transport {
    private final Bridge bridge;
    private final ConnectionMeter attachMeter;
    private final String remoteAddress;
    private final AttachRequest attachRequest;
    private final AuthRequest credentials; // null without an authenticator
    private PollExchange attachExchange;
    private TransportListener session;
    private PollExchange held;
    private boolean heldExchanges; // the held request carried a batch (an exchange)
    private Scheduler.Timer holdTimer;
    private long heldSince; // scheduler nanos when {@code held} was parked
    private boolean replaced;
    /** The answer (pong, ack) to an exchange's frames, waiting to ride with what the held request returns. */
    private List<Frame> owedReply = List.of();

    PollingTransport(Bridge bridge, PollExchange attachExchange, ConnectionMeter attachMeter, String remoteAddress,
                     AttachRequest attachRequest, AuthRequest credentials) {
        this.bridge = bridge;
        this.credentials = credentials;
        this.attachRequest = attachRequest;
        this.attachExchange = attachExchange;
        this.attachMeter = attachMeter;
        this.remoteAddress = remoteAddress;
    }

    /**
     * A receive request: the client has processed everything up to {@code ack} and waits for more.
     * It is parked until the session has frames, the poll timeout passes (answered empty), a newer
     * receive arrives (this one ends with poll_conflict) or the session moves on.
     */
    void onRecv(PollExchange exchange, long ack) {
        hold(exchange, false);
        session.pulled(this, ack, error -> {
            unhold(exchange);
            exchange.fail(error);
        });
        session.execute(() -> armTimeout(exchange)); // after the pull's flush: only a request still held waits for it
    }

    /** A send request: the client's batch; answered with the session's reply (its acknowledgement). */
    void onSend(PollExchange exchange, List<Frame> frames) {
        session.received(this, frames, (reply, error) -> {
            if (error != null) {
                exchange.fail(error);
            } else {
                exchange.respond(FrameCodec.encodeBatchUtf8(reply));
            }
        });
    }

    /**
     * An exchange: a receive request that also carries the client's batch (PROTOCOL.md section 4),
     * so that an echo costs one request. The batch is taken as a send's would be; only then is the
     * request held as a receive (a batch the application is not ready for keeps its request waiting,
     * as a send's would: the client sends one batch at a time). The batch's answer (pong,
     * acknowledgement) rides with what the application queued while taking the batch (an echo),
     * or goes alone at once.
     */
    void onExchange(PollExchange exchange, List<Frame> frames, long ack) {
        session.received(this, frames, (reply, error) -> {
            if (error != null) {
                exchange.fail(error);
                return;
            }
            if (replaced || reply.stream().anyMatch(f -> f instanceof Frame.Close)) {
                exchange.respond(FrameCodec.encodeBatchUtf8(reply));
                return;
            }
            hold(exchange, true);
            owedReply = reply;
            session.pulled(this, ack, e -> {
                unhold(exchange);
                exchange.fail(e);
            });
            // Runs after what the application queued while taking the batch: the session runs its tasks in order.
            session.execute(() -> {
                if (held != exchange) return;
                if (!owedReply.isEmpty()) send(List.of());
                else armTimeout(exchange);
            });
        });
    }

    /**
     * Parks a receive. An older one ends with poll_conflict when both are plain receives (two poll
     * loops, a client bug); when either is an exchange, the older is answered with what is due:
     * a client that exchanges always has one receive out, and sends its messages in a new one.
     */
    private void hold(PollExchange exchange, boolean exchanging) {
        if (held != null) {
            if (exchanging || heldExchanges) {
                send(List.of()); // unholds it, counting its hold
            } else {
                held.fail(new BridgeException(ErrorCode.POLL_CONFLICT, "a newer receive request replaced this one"));
                unhold(held);
            }
        }
        held = exchange;
        heldExchanges = exchanging;
        heldSince = bridge.scheduler().nanoTime();
        exchange.onAbandoned(() -> session.execute(() -> unhold(exchange)));
    }

    /**
     * Starts the poll timeout of a request still held once the session has answered what it could
     * (a task queued after the pull): most exchanges are answered at once, and need no timer.
     */
    private void armTimeout(PollExchange exchange) {
        if (held != exchange || holdTimer != null) return;
        holdTimer = session.schedule(bridge.config().pollTimeout().toNanos(), () -> {
            if (held == exchange) send(List.of());
        });
    }

    /** Forgets a parked request (answered elsewhere, or its client left). */
    private void unhold(PollExchange exchange) {
        if (held == exchange) {
            held = null;
            cancelTimer();
            bridge.totals().pollHeld(bridge.scheduler().nanoTime() - heldSince);
        }
    }

    private void cancelTimer() {
        if (holdTimer != null) {
            holdTimer.cancel();
            holdTimer = null;
        }
    }

    @Override
    public TransportKind kind() {
        return TransportKind.POLLING;
    }

    @Override
    public Framing framing() {
        return Framing.BATCH;
    }

    @Override
    public AuthRequest authRequest() {
        return credentials;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public AttachRequest attachRequest() {
        return attachRequest;
    }

    @Override
    public boolean canSend() {
        return held != null && !replaced;
    }

    @Override
    public boolean holdsRequest() {
        return held != null;
    }

    @Override
    public void send(List<Frame> frames) {
        PollExchange exchange = held;
        unhold(exchange);
        exchange.respond(FrameCodec.encodeBatchUtf8(withOwedReply(frames)));
    }

    /** An exchange's pong first, then the frames, then its acknowledgement unless the frames carry a newer one. */
    private List<Frame> withOwedReply(List<Frame> frames) {
        if (owedReply.isEmpty()) return frames;
        List<Frame> out = new ArrayList<>(frames.size() + owedReply.size());
        boolean acked = frames.stream().anyMatch(f -> f instanceof Frame.Ack);
        for (Frame f : owedReply) if (f instanceof Frame.Pong) out.add(f);
        out.addAll(frames);
        for (Frame f : owedReply) if (f instanceof Frame.Ack && !acked) out.add(f);
        owedReply = List.of();
        return out;
    }

    @Override
    public void opened(TransportListener session, Frame.Open open) {
        this.session = session;
        attachMeter.chargeTo(session.wireTally(), TransportKind.POLLING); // the attach request: charged once the session exists
        attachExchange.respond("[" + FrameCodec.encode(open) + "]");
        attachExchange = null;
    }

    /**
     * Released at once, even empty: a parked poll must never stall a transport switch. An attach
     * whose open frame never went out (the session ended here while it waited for its commit) is
     * refused with the error of {@code closeCode}: the client attaches again, or starts over.
     */
    @Override
    public void detached(int closeCode, String reason) {
        replaced = true;
        if (held != null) send(List.of());
        if (attachExchange != null) {
            attachExchange.fail(new BridgeException(ErrorCode.fromCloseCode(closeCode, ErrorCode.TRANSPORT_REPLACED), reason));
            attachExchange = null;
        }
    }
}
