package io.cometbridge.server;

import io.cometbridge.api.AttachRequest;
import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.channel.Framing;
import io.cometbridge.session.AttachDeadlines;
import io.cometbridge.session.Bridge;
import io.cometbridge.transport.ConnectionMeter;
import io.cometbridge.transport.Transport;
import io.cometbridge.transport.TransportListener;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.OpCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection (docs/PROTOCOL.md section 3), as a Jetty endpoint and a push
 * {@link Transport}. Before attach it only answers probes; after it, every frame goes to the
 * session.
 *
 * <p>It demands the next WebSocket frame only after the session has processed the previous one,
 * so a fast client cannot queue unbounded work on the server. Writes are asynchronous; bytes
 * written but not yet on the socket are bounded, beyond which {@link #canSend()} says false and
 * the session waits.
 *
 * <p>Public only because Jetty calls a listener's methods through a public lookup, which reaches
 * only packages every module can read; its constructors are package-private.
 */
public final class WebSocketTransport implements org.eclipse.jetty.websocket.api.Session.Listener, Transport {
    private static final long MAX_BYTES_IN_FLIGHT = 1 << 20;

    private final Bridge bridge;
    private volatile org.eclipse.jetty.websocket.api.Session socket;
    private volatile TransportListener session; // set once the attach is accepted
    private volatile boolean attachSeen;
    private volatile boolean ended;
    private volatile AttachDeadlines.Deadline attachDeadline;
    private volatile AttachRequest attachRequest = AttachRequest.NONE;
    private final AtomicLong bytesInFlight = new AtomicLong();
    private final ConnectionMeter meter;
    private volatile AuthRequest credentials; // the upgrade request as the authenticator sees it; dropped once attached

    WebSocketTransport(Bridge bridge) {
        this(bridge, ConnectionMeter.NONE, null);
    }

    /**
     * {@code meter} counts this socket's bytes; they are charged to the session it attaches.
     * {@code credentials}: the upgrade request for the bridge's authenticator (null without one).
     */
    WebSocketTransport(Bridge bridge, ConnectionMeter meter, AuthRequest credentials) {
        this.bridge = bridge;
        this.meter = meter;
        this.credentials = credentials;
    }

    // ---------------------------------------------------------------- Jetty events

    @Override
    public void onWebSocketOpen(org.eclipse.jetty.websocket.api.Session socket) {
        this.socket = socket;
        attachRequest = AttachRequest.of(bridge.attachHeaders(), socket.getUpgradeRequest()::getHeaders);
        UpgradeExchangeRelease.release(socket.getUpgradeRequest(), socket.getUpgradeResponse()); // the upgrade's HTTP exchange is not needed any more
        attachDeadline = bridge.attachDeadlines().start(() -> {
            if (!attachSeen) fail(new BridgeException(ErrorCode.ATTACH_TIMEOUT, "no attach frame in time"));
        });
        socket.demand();
    }

    @Override
    public void onWebSocketText(String text) {
        Frame frame;
        try {
            frame = FrameCodec.decode(text);
        } catch (BridgeException e) {
            fail(e);
            return;
        }
        onFrame(frame);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        Frame.Data frame;
        try {
            frame = FrameCodec.decodeBinary(payload);
        } catch (BridgeException e) {
            callback.succeed();
            fail(e);
            return;
        }
        callback.succeed(); // the frame copied the bytes
        onFrame(frame);
    }

    /**
     * Answers a protocol ping, and reads the next frame only once the pong is written: a client
     * that floods pings without reading the pongs stalls itself instead of queueing pongs in
     * server memory (docs/BAD_INPUT.md W35). The payload is copied: Jetty reuses its buffer.
     */
    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.slice()).flip();
        socket.sendPong(copy, Callback.from(socket::demand, failure -> { }));
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        socket.demand();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        connectionEnded();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        connectionEnded();
    }

    private void connectionEnded() {
        ended = true;
        if (attachDeadline != null) attachDeadline.settled();
        TransportListener s = session;
        if (s != null) s.closed(this);
    }

    private void onFrame(Frame frame) {
        TransportListener s = session;
        if (s != null) {
            s.received(this, List.of(frame), whenProcessed);
        } else if (frame instanceof Frame.Probe) {
            write(FrameCodec.encode(frame));
            socket.demand();
        } else if (frame instanceof Frame.Attach attach && !attachSeen) {
            attachSeen = true;
            bridge.attach(this, attach, this::fail); // the next demand comes with opened()
        } else {
            fail(new BridgeException(ErrorCode.MALFORMED, "the first frame must be attach (or probe)"));
        }
    }

    /** After the session processed a frame: read the next one, or end the socket on error. */
    private final TransportListener.Reply whenProcessed = (reply, error) -> {
        if (error == null) {
            socket.demand();
        } else {
            fail(error);
        }
    };

    /** A documented error on this socket: an error frame, then the close code. The session lives on. */
    private void fail(BridgeException e) {
        if (ended) return;
        ended = true;
        write(FrameCodec.encode(e.toFrame()));
        socket.close(e.code().closeCode(), e.getMessage(), Callback.NOOP);
    }

    // ---------------------------------------------------------------- Transport (on the session executor)

    @Override
    public TransportKind kind() {
        return TransportKind.WEBSOCKET;
    }

    @Override
    public Framing framing() {
        return Framing.STREAM;
    }

    @Override
    public String remoteAddress() {
        return socket.getRemoteSocketAddress() instanceof java.net.InetSocketAddress a ? a.getAddress().getHostAddress() : null;
    }

    @Override
    public AttachRequest attachRequest() {
        return attachRequest;
    }

    @Override
    public AuthRequest authRequest() {
        return credentials;
    }

    @Override
    public boolean canSend() {
        return !ended && bytesInFlight.get() < MAX_BYTES_IN_FLIGHT;
    }

    /**
     * Every frame but the last is handed to Jetty's frame flusher as part of a batch, so frames that
     * were queued together leave in one socket write instead of one write each.
     */
    @Override
    public void send(List<Frame> frames) {
        CoreSession core = ((WebSocketSession) socket).getCoreSession(); // Jetty's server sessions always are
        int last = frames.size() - 1;
        for (int i = 0; i <= last; i++) {
            Frame f = frames.get(i);
            ByteBuffer payload = payload(f);
            int size = payload.remaining();
            track(size);
            byte opCode = f instanceof Frame.Data d && d.message().isBinary() ? OpCode.BINARY : OpCode.TEXT;
            core.sendFrame(new org.eclipse.jetty.websocket.core.Frame(opCode, payload),
                    org.eclipse.jetty.util.Callback.from(() -> released(size), failure -> released(size)), i < last);
        }
    }

    /**
     * A frame's bytes on the wire. A text data frame is built from its message's UTF-8 JSON, encoded
     * once per message: a broadcast costs each receiver one copy behind its sequence number.
     */
    private static ByteBuffer payload(Frame f) {
        if (!(f instanceof Frame.Data d)) return ByteBuffer.wrap(FrameCodec.encode(f).getBytes(StandardCharsets.UTF_8));
        return d.message().isBinary() ? FrameCodec.encodeBinary(d.seq(), d.message()) : FrameCodec.encodeDataUtf8(d.seq(), d.message(), d.ack());
    }

    @Override
    public void opened(TransportListener session, Frame.Open open) {
        if (attachDeadline != null) attachDeadline.settled();
        this.session = session;
        credentials = null;
        meter.chargeTo(session.wireTally(), TransportKind.WEBSOCKET);
        write(FrameCodec.encode(open));
        socket.demand();
    }

    @Override
    public void detached(int closeCode, String reason) {
        if (ended) return;
        ended = true;
        socket.close(closeCode, reason, Callback.NOOP);
    }

    private void write(String text) {
        int size = text.length(); // close enough for the backpressure bound; exact bytes go to the counter
        track(size);
        socket.sendText(text, written(size));
    }

    private void track(int size) {
        bytesInFlight.addAndGet(size);
    }

    private Callback written(int size) {
        return Callback.from(() -> released(size), failure -> released(size));
    }

    private void released(int size) {
        long now = bytesInFlight.addAndGet(-size);
        TransportListener s = session;
        if (s != null && now < MAX_BYTES_IN_FLIGHT && now + size >= MAX_BYTES_IN_FLIGHT) s.writable(this);
    }
}
