package io.cometbridge.bayeux;

import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.Framing;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.transport.Transport;
import io.cometbridge.transport.TransportListener;
import io.cometbridge.util.Scheduler;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * A Bayeux client's transport under its bridge session, for both Bayeux connection types. It is a
 * {@link Framing#BATCH} transport: the {@code /meta/connect} the server holds is the receive, and
 * answering it carries the session's waiting messages followed by the connect reply, like the
 * bridge's own long-polling {@code recv}. Over a WebSocket too: every message reaches a Bayeux
 * client inside a connect answer (as CometD does with the ack extension), so both connection types
 * have one delivery rule.
 *
 * <p>The ack extension maps onto the session's replay buffer: the ack id of a connect answer is the
 * highest sequence number in it, and the client's {@code ext.ack} on its next connect is the
 * receive's acknowledgement, so what a lost answer carried is sent again. Without the extension
 * a new connect acknowledges everything sent before it: at-most-once, Bayeux's own semantics.
 *
 * <p>Every method runs on the session's executor (the SPI's rule), after {@link #opened}.
 */
final class BayeuxTransport implements Transport {
    private final BayeuxEngine engine;
    private final Link link;
    private final BiConsumer<BayeuxTransport, Frame.Open> onOpen;
    private volatile TransportListener session; // set once, read by the socket that carries it
    private BayeuxState state;
    private HeldConnect held;
    private Scheduler.Timer holdTimer;
    private boolean resuming; // a held connect waits for the session to rewind to where its client stands
    private boolean detached;

    /** {@code onOpen} runs once the session took the transport (a handshake's or a re-attach's continuation). */
    BayeuxTransport(BayeuxEngine engine, Link link, BiConsumer<BayeuxTransport, Frame.Open> onOpen) {
        this.engine = engine;
        this.link = link;
        this.onOpen = onOpen;
    }

    Link link() {
        return link;
    }

    TransportListener session() {
        return session;
    }

    void state(BayeuxState s) {
        this.state = s;
        s.transport = this;
    }

    // ---------------------------------------------------------------- from the engine (on the executor)

    /** A connect on the attached transport: the client stands at {@code hc.clientAck} (or got everything). */
    void connect(HeldConnect hc) {
        hold(hc);
        // Nothing may be written into this connect before the session has rewound to the client's
        // ack: a flush queued in between would send from the old cursor, past messages a lost
        // answer carried, and the client's next ack would skip them.
        resuming = true;
        session.pulled(this, hc.ack, error -> {
            if (held == hc) unhold();
            hc.batch.fill(hc.slot, engine.replies().failed(hc, error));
        });
        session.execute(() -> {
            resuming = false;
            session.writable(this); // flush from where the client stands
            session.execute(() -> answerIfImmediate(hc));
        });
    }

    /** A connect that re-attached the session: the attach already resumed from {@code hc.ack}. */
    void connectAfterAttach(HeldConnect hc) {
        hold(hc);
        session.execute(() -> answerIfImmediate(hc));
    }

    /** Where the client stands, for this connect: its ack, or everything sent before. */
    long resumePoint(HeldConnect hc) {
        hc.ack = state.ack && hc.clientAck >= 0 ? hc.clientAck : state.lastSent;
        return hc.ack;
    }

    private void hold(HeldConnect hc) {
        if (held != null) answerEmpty(held); // a newer connect replaces a held one, which is answered
        resumePoint(hc);
        held = hc;
        hc.batch.held(hc.slot);
        hc.batch.conduit().onAbandoned(() -> session.execute(() -> {
            if (held == hc) unhold();
        }));
        if (hc.timeoutMillis > 0) {
            holdTimer = session.schedule(hc.timeoutMillis * 1_000_000L, () -> {
                if (held == hc) answerEmpty(hc);
            });
        }
    }

    /** {@code advice.timeout: 0} (the client's first connect): answer now, with whatever waited. */
    private void answerIfImmediate(HeldConnect hc) {
        if (held == hc && hc.timeoutMillis == 0) answerEmpty(hc);
    }

    private void answerEmpty(HeldConnect hc) {
        if (held == hc) unhold();
        hc.batch.fill(hc.slot, engine.replies().connected(hc, state.ack ? hc.ack : -1));
    }

    private void unhold() {
        held = null;
        if (holdTimer != null) {
            holdTimer.cancel();
            holdTimer = null;
        }
    }

    // ---------------------------------------------------------------- Transport

    @Override
    public TransportKind kind() {
        return link.kind();
    }

    @Override
    public Framing framing() {
        return Framing.BATCH;
    }

    @Override
    public AuthRequest authRequest() {
        return link.credentials();
    }

    @Override
    public String remoteAddress() {
        return link.remoteAddress();
    }

    @Override
    public boolean canSend() {
        return held != null && !resuming && !detached;
    }

    @Override
    public boolean holdsRequest() {
        return held != null;
    }

    /** Answers the held connect: the messages, then the connect reply (or the session's close as a failed connect). */
    @Override
    public void send(List<Frame> frames) {
        HeldConnect hc = held;
        unhold();
        StringBuilder out = new StringBuilder();
        long last = -1;
        Frame.Close close = null;
        for (Frame f : frames) {
            if (f instanceof Frame.Data d) {
                out.append(BayeuxJson.delivery(d.message(), engine.options().directChannel())).append(',');
                last = d.seq();
            } else if (f instanceof Frame.Close c) {
                close = c;
            } // acks and pongs of the bridge protocol have no Bayeux form: publishes get their own replies
        }
        if (last > state.lastSent) state.lastSent = last;
        out.append(close != null ? engine.replies().closed(hc, close)
                : engine.replies().connected(hc, state.ack ? Math.max(last, hc.ack) : -1));
        hc.batch.fill(hc.slot, out.toString());
    }

    @Override
    public void opened(TransportListener listener, Frame.Open open) {
        this.session = listener;
        link.attached(this);
        onOpen.accept(this, open);
    }

    /**
     * Released: a held connect is answered at once (normally when another transport took over, as a
     * failed 402 connect when the session is gone), and a WebSocket that was replaced or went silent closes.
     */
    @Override
    public void detached(int closeCode, String reason) {
        detached = true;
        HeldConnect hc = held;
        if (hc != null) {
            unhold();
            hc.batch.fill(hc.slot, closeCode == ErrorCode.TRANSPORT_REPLACED.closeCode()
                    ? engine.replies().connected(hc, state.ack ? hc.ack : -1)
                    : engine.replies().failed(hc, 402, "session closed: " + reason, "handshake"));
        }
        if (closeCode == ErrorCode.TRANSPORT_REPLACED.closeCode() || closeCode == ErrorCode.HEARTBEAT_TIMEOUT.closeCode()) {
            link.released(closeCode, reason);
        }
    }
}
