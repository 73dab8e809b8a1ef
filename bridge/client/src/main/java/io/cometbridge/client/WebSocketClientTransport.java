package io.cometbridge.client;

import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.Framing;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The WebSocket transport of the Java client, on the JDK's {@link WebSocket}. The JDK allows one
 * outstanding send at a time, so frames wait in a small queue here (bounded by the client's own
 * replay buffer, which holds every unacknowledged message anyway).
 */
final class WebSocketClientTransport implements ClientTransport, WebSocket.Listener {
    private final HttpClient http;
    private final URI uri;
    private final java.util.Map<String, String> headers; // Origin and the application's
    private final Duration connectTimeout;
    private final Owner owner;
    private final boolean probeFirst; // a background probe: prove the socket passes frames both ways before moving the session
    private volatile Frame.Attach attachAfterProbe;

    private volatile WebSocket socket;
    private volatile boolean stopped;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(); // String or ByteBuffer; guarded by this
    private boolean sending;                                        // guarded by this
    private final StringBuilder textParts = new StringBuilder();
    private final ByteArrayOutputStream binaryParts = new ByteArrayOutputStream();

    WebSocketClientTransport(HttpClient http, URI uri, java.util.Map<String, String> headers, Duration connectTimeout, Owner owner,
            boolean probeFirst) {
        this.probeFirst = probeFirst;
        this.http = http;
        this.uri = uri;
        this.headers = headers;
        this.connectTimeout = connectTimeout;
        this.owner = owner;
    }

    @Override
    public TransportKind kind() {
        return TransportKind.WEBSOCKET;
    }

    @Override
    public Framing framing() {
        return Framing.STREAM;
    }

    @Override
    public void start(Frame.Attach attach) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
        headers.forEach(builder::header);
        builder.buildAsync(uri, this).whenComplete((ws, error) -> {
            if (error != null) {
                owner.onTransportFailed(this, error);
            } else if (stopped) {
                ws.abort();
            } else {
                // The JDK may complete this future before it calls onOpen: the socket is known here
                // either way, and the first send must not find it missing (it would never be sent,
                // and the attach would wait for nothing).
                socket = ws;
                if (probeFirst) attachAfterProbe = attach;
                enqueue(FrameCodec.encode(probeFirst ? new Frame.Probe() : attach));
            }
        });
    }

    @Override
    public boolean canSend() {
        return !stopped;
    }

    @Override
    public void send(List<Frame> frames) {
        for (Frame f : frames) {
            if (f instanceof Frame.Data d && d.message().isBinary()) {
                enqueue(FrameCodec.encodeBinary(d.seq(), d.message()));
            } else {
                enqueue(FrameCodec.encode(f));
            }
        }
    }

    private void enqueue(Object item) {
        synchronized (this) {
            pending.add(item);
            if (sending) return;
            sending = true;
        }
        sendNext();
    }

    private void sendNext() {
        Object item;
        synchronized (this) {
            item = pending.poll();
            if (item == null || stopped) {
                sending = false;
                return;
            }
        }
        WebSocket ws = socket;
        CompletionStage<WebSocket> sent;
        try {
            sent = item instanceof String s ? ws.sendText(s, true) : ws.sendBinary((ByteBuffer) item, true);
        } catch (RuntimeException e) { // the socket went away under us: a failure like any other, never a stuck queue
            synchronized (this) {
                sending = false;
                pending.clear();
            }
            owner.onTransportFailed(this, e);
            return;
        }
        sent.whenComplete((w, error) -> {
            if (error != null) {
                synchronized (this) {
                    sending = false;
                    pending.clear();
                }
                owner.onTransportFailed(this, error);
            } else {
                sendNext();
            }
        });
    }

    @Override
    public void stop() {
        stopped = true;
        WebSocket ws = socket;
        if (ws != null) ws.sendClose(WebSocket.NORMAL_CLOSURE, "transport switch").whenComplete((w, e) -> ws.abort());
    }

    @Override
    public void kill() {
        stopped = true;
        WebSocket ws = socket;
        if (ws != null) ws.abort(); // TCP closed, no close frame; the JDK reports nothing after abort
        owner.onTransportFailed(this, new java.io.IOException("killed"));
    }

    // ---------------------------------------------------------------- WebSocket.Listener

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        textParts.append(data);
        if (last) {
            String text = textParts.toString();
            textParts.setLength(0);
            deliver(() -> FrameCodec.decodeTolerant(text));
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binaryParts.writeBytes(chunk);
        if (last) {
            ByteBuffer whole = ByteBuffer.wrap(binaryParts.toByteArray());
            binaryParts.reset();
            deliver(() -> FrameCodec.decodeBinary(whole));
        }
        webSocket.request(1);
        return null;
    }

    private void deliver(java.util.function.Supplier<Frame> decoder) {
        if (stopped) return;
        Frame frame;
        try {
            frame = decoder.get();
        } catch (BridgeException e) {
            owner.onTransportFailed(this, e);
            return;
        }
        Frame.Attach attach = attachAfterProbe;
        if (frame instanceof Frame.Probe && attach != null) { // the echo: now attach, acknowledging what polling brought meanwhile
            attachAfterProbe = null;
            owner.withAck(last -> enqueue(FrameCodec.encode(new Frame.Attach(attach.sid(), attach.key(), last, attach.ws(), attach.auth()))));
            return;
        }
        if (frame instanceof Frame.Error err) {
            ErrorCode code = ErrorCode.fromWireName(err.error());
            owner.onRefused(this, new ServerRefusal(0, code, err.message()));
            return;
        }
        owner.onFrames(this, List.of(frame), null);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (!stopped) {
            stopped = true;
            owner.onTransportFailed(this, new java.io.IOException("socket closed: " + statusCode + " " + reason));
        }
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (!stopped) {
            stopped = true;
            owner.onTransportFailed(this, error);
        }
    }

    @Override
    public String toString() {
        return "websocket";
    }

}
