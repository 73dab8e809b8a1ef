package io.cometbridge.testing;

import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.Framing;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.transport.Transport;
import io.cometbridge.transport.TransportListener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A transport without a network, for deterministic session tests: it records what the session
 * sends (as the JSON the client would read), and the test plays the client through {@link #fromClient}.
 * A batch transport can send only while the test says it holds a poll ({@link #poll}).
 */
public final class FakeTransport implements Transport {
    private final Framing framing;
    public final List<String> sent = new ArrayList<>();
    public volatile TransportListener listener;
    /** The open frame, once the session opened on this transport (tests on real executors wait for it). */
    public final CompletableFuture<Frame.Open> open = new CompletableFuture<>();
    public boolean writable = true;
    public boolean holding;
    public Integer closeCode;
    public String closeReason;
    public BridgeException lastError;
    public List<Frame> lastReply;
    /** How many of the batches the client sent the session has answered (a paused session may hold one back). */
    public int replies;

    private FakeTransport(Framing framing) {
        this.framing = framing;
    }

    public static FakeTransport stream() {
        return new FakeTransport(Framing.STREAM);
    }

    public static FakeTransport batch() {
        return new FakeTransport(Framing.BATCH);
    }

    /** The client sends these frames (JSON, as on the wire); the reply and error are kept. */
    public void fromClient(String... frames) {
        List<Frame> decoded = new ArrayList<>();
        for (String f : frames) decoded.add(FrameCodec.decode(f));
        lastError = null;
        lastReply = null;
        listener.received(this, decoded, (reply, error) -> {
            lastReply = reply;
            lastError = error;
            replies++;
        });
    }

    /** The client sends this batch; completes with the error it is answered with (null: accepted). Thread-safe. */
    public CompletableFuture<ErrorCode> answerTo(String batch) {
        CompletableFuture<ErrorCode> answer = new CompletableFuture<>();
        listener.received(this, FrameCodec.decodeBatch(batch), (reply, error) -> answer.complete(error == null ? null : error.code()));
        return answer;
    }

    /** The client holds a receive request, having processed everything up to {@code ack}. */
    public void poll(long ack) {
        holding = true;
        lastError = null;
        listener.pulled(this, ack, error -> {
            holding = false;
            lastError = error;
        });
    }

    /** Everything sent so far, then forgotten. */
    public List<String> take() {
        List<String> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    @Override
    public TransportKind kind() {
        return framing == Framing.STREAM ? TransportKind.WEBSOCKET : TransportKind.POLLING;
    }

    @Override
    public Framing framing() {
        return framing;
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1";
    }

    @Override
    public boolean canSend() {
        return closeCode == null && (framing == Framing.STREAM ? writable : holding);
    }

    @Override
    public boolean holdsRequest() {
        return holding;
    }

    @Override
    public void send(List<Frame> frames) {
        if (framing == Framing.BATCH) {
            holding = false;
            sent.add(FrameCodec.encodeBatch(frames));
        } else {
            for (Frame f : frames) sent.add(FrameCodec.encode(f));
        }
    }

    @Override
    public void opened(TransportListener listener, Frame.Open open) {
        this.listener = listener;
        sent.add(FrameCodec.encode(open));
        this.open.complete(open);
    }

    @Override
    public void detached(int closeCode, String reason) {
        this.closeCode = closeCode;
        this.closeReason = reason;
        holding = false;
    }
}
