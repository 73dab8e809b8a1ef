package io.cometbridge.transport;

import io.cometbridge.api.AttachRequest;
import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.Framing;
import io.cometbridge.protocol.Frame;

import java.util.List;

/**
 * What a session needs from a transport (the SPI both transports implement). Every method is
 * called on the owning session's serial executor, so implementations need no locking of their own
 * for state the session drives. A transport reports back through the {@link TransportListener} it
 * gets in {@link #opened}; it never sees the session itself.
 *
 * <p>A {@link Framing#STREAM} transport (WebSocket) takes frames whenever it {@link #canSend()}.
 * A {@link Framing#BATCH} transport (long-polling) can send only while the client holds a receive
 * request open; {@link #send} answers that request, after which it cannot send until the next one.
 */
public interface Transport {

    TransportKind kind();

    /** How frames travel, which decides how the session's channel acknowledges on it. */
    Framing framing();

    /** The client's IP address as this server saw it (for per-address limits), or null. */
    String remoteAddress();

    /** The request that attached this transport, with the headers the application asked for. */
    default AttachRequest attachRequest() {
        return AttachRequest.NONE;
    }

    /** Whether {@link #send} may be called now. Stream transports say false only under backpressure. */
    boolean canSend();

    /** Whether the client holds a request open on this transport (a parked poll): alive without traffic. */
    default boolean holdsRequest() {
        return false;
    }

    /** Writes frames, in order (a batch transport answers the held request with all of them). */
    void send(List<Frame> frames);

    /**
     * The session accepted this transport's attach: from now on it reports to {@code listener}.
     * Deliver the open frame before anything else.
     */
    void opened(TransportListener listener, Frame.Open open);

    /**
     * The session is done with this transport (replaced, timed out or closed): release any held
     * request at once and end the connection with this close code and reason.
     */
    void detached(int closeCode, String reason);
}
