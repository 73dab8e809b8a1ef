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
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection (docs/PROTOCOL.md section 3), as a handler of Jetty's WebSocket core
 * frames and a push {@link Transport}. Before attach it only answers probes; after it, every
 * message goes to the session.
 *
 * <p>It demands the next WebSocket frame only after the session has processed the previous one,
 * so a fast client cannot queue unbounded work on the server; acknowledgements, merged while one
 * is with the session, are the exception ({@link AckHandOff}). Writes are asynchronous; bytes
 * written but not yet on the socket are bounded, beyond which {@link #canSend()} says false and
 * the session waits.
 *
 * <p>On Jetty's core API rather than its endpoint API: no method handles built per connection and
 * no message sinks per message; fragments are put together by {@link IncomingMessage}, which also
 * holds the message limits and the UTF-8 check that layer did.
 */
final class WebSocketTransport implements FrameHandler, Transport {
    private static final long MAX_BYTES_IN_FLIGHT = 1 << 20;

    private final Bridge bridge;
    private final IncomingMessage incoming;
    private volatile CoreSession socket;
    private volatile TransportListener session; // set once the attach is accepted
    private volatile boolean attachSeen;
    private volatile boolean ended;
    private volatile boolean closedReported;
    private volatile AttachDeadlines.Deadline attachDeadline;
    private final AttachRequest attachRequest;
    private final AtomicLong bytesInFlight = new AtomicLong();
    private final ConnectionMeter meter;
    private final AckHandOff acks = new AckHandOff(this, this::fail);
    private volatile AuthRequest credentials; // the upgrade request as the authenticator sees it; dropped once attached

    WebSocketTransport(Bridge bridge) {
        this(bridge, IncomingMessage.unlimited(), ConnectionMeter.NONE, AttachRequest.NONE, null);
    }

    /**
     * {@code incoming}: this socket's message assembly, with the limits. {@code meter} counts this
     * socket's bytes; they are charged to the session it attaches. {@code attachRequest}: the
     * upgrade's headers the application asked for. {@code credentials}: the upgrade request for
     * the bridge's authenticator (null without one).
     */
    WebSocketTransport(Bridge bridge, IncomingMessage incoming, ConnectionMeter meter, AttachRequest attachRequest, AuthRequest credentials) {
        this.bridge = bridge;
        this.incoming = incoming;
        this.meter = meter;
        this.attachRequest = attachRequest;
        this.credentials = credentials;
    }

    // ---------------------------------------------------------------- Jetty events (its I/O threads)

    @Override
    public void onOpen(CoreSession socket, Callback callback) {
        this.socket = socket;
        attachDeadline = bridge.attachDeadlines().start(() -> {
            if (!attachSeen) fail(new BridgeException(ErrorCode.ATTACH_TIMEOUT, "no attach frame in time"));
        });
        callback.succeeded();
        socket.demand();
    }

    @Override
    public void onFrame(org.eclipse.jetty.websocket.core.Frame frame, Callback callback) {
        switch (frame.getOpCode()) {
            case OpCode.TEXT, OpCode.BINARY, OpCode.CONTINUATION -> onDataFrame(frame, callback);
            case OpCode.PING -> onPing(frame, callback);
            case OpCode.PONG -> {
                callback.succeeded();
                socket.demand();
            }
            default -> callback.succeeded(); // CLOSE: Jetty answers it once this succeeds, then onClosed
        }
    }

    private void onDataFrame(org.eclipse.jetty.websocket.core.Frame frame, Callback callback) {
        IncomingMessage.Complete message;
        try {
            message = incoming.accept(frame);
        } catch (RuntimeException e) {
            callback.failed(e); // 1009 or 1007: Jetty closes with the exception's code
            return;
        }
        callback.succeeded(); // the payload is copied
        if (message == null) {
            socket.demand(); // the next fragment
            return;
        }
        Frame decoded;
        try {
            decoded = message.isText() ? FrameCodec.decode(message.text()) : FrameCodec.decodeBinary(ByteBuffer.wrap(message.bytes()));
        } catch (BridgeException e) {
            fail(e);
            return;
        }
        onMessage(decoded);
    }

    /**
     * Answers a protocol ping, and reads the next frame only once the pong is written: a client
     * that floods pings without reading the pongs stalls itself instead of queueing pongs in
     * server memory (docs/BAD_INPUT.md W35). The payload is copied: Jetty reuses its buffer.
     */
    private void onPing(org.eclipse.jetty.websocket.core.Frame ping, Callback callback) {
        ByteBuffer payload = ping.getPayload();
        ByteBuffer copy = payload == null ? ByteBuffer.allocate(0) : ByteBuffer.allocate(payload.remaining()).put(payload.slice()).flip();
        callback.succeeded();
        socket.sendFrame(new org.eclipse.jetty.websocket.core.Frame(OpCode.PONG, copy), Callback.from(socket::demand, failure -> { }), false);
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        callback.succeeded(); // onClosed follows
    }

    @Override
    public void onClosed(CloseStatus status, Callback callback) {
        connectionEnded();
        callback.succeeded();
    }

    private void connectionEnded() {
        ended = true;
        if (closedReported) return;
        closedReported = true;
        if (attachDeadline != null) attachDeadline.settled();
        TransportListener s = session;
        if (s != null) s.closed(this);
    }

    private void onMessage(Frame frame) {
        TransportListener s = session;
        if (s != null && frame instanceof Frame.Ack ack) {
            acks.read(ack.ack(), s);
            socket.demand(); // at once: see AckHandOff
        } else if (s != null) {
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
        return socket.getRemoteAddress() instanceof java.net.InetSocketAddress a ? a.getAddress().getHostAddress() : null;
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
        int last = frames.size() - 1;
        for (int i = 0; i <= last; i++) {
            Frame f = frames.get(i);
            byte opCode = f instanceof Frame.Data d && d.message().isBinary() ? OpCode.BINARY : OpCode.TEXT;
            write(opCode, payload(f), i < last);
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
        write(OpCode.TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false);
    }

    private void write(byte opCode, ByteBuffer payload, boolean batch) {
        int size = payload.remaining();
        bytesInFlight.addAndGet(size);
        socket.sendFrame(new org.eclipse.jetty.websocket.core.Frame(opCode, payload), new Written(size), batch);
    }

    /** One frame's write ending, on the socket or not: its bytes leave the in-flight count. One object per write. */
    private final class Written implements Callback {
        private final int size;

        Written(int size) {
            this.size = size;
        }

        @Override
        public void succeeded() {
            released(size);
        }

        @Override
        public void failed(Throwable failure) {
            released(size);
        }
    }

    private void released(int size) {
        long now = bytesInFlight.addAndGet(-size);
        TransportListener s = session;
        if (s != null && now < MAX_BYTES_IN_FLIGHT && now + size >= MAX_BYTES_IN_FLIGHT) s.writable(this);
    }
}
