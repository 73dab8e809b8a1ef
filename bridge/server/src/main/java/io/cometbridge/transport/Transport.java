package io.cometbridge.transport;

import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.Frame;
import io.cometbridge.session.Session;

import java.util.List;

/**
 * What a session needs from a transport (the SPI both transports implement). Every method is
 * called on the owning session's serial executor, so implementations need no locking of their own
 * for state the session drives.
 *
 * <p>A push transport (WebSocket) takes frames whenever it {@link #canSend()}. A pull transport
 * (long-polling) can send only while the client holds a receive request open; {@link #send}
 * answers that request, after which it cannot send until the next one arrives.
 */
public interface Transport {

    TransportKind kind();

    boolean isPull();

    /** The client's IP address as this server saw it (for per-address limits), or null. */
    String remoteAddress();

    /** Whether {@link #send} may be called now. Push transports say false only under backpressure. */
    boolean canSend();

    /** Writes frames, in order. Push transports get one frame at a time; pull ones a batch. */
    void send(List<Frame> frames);

    /**
     * The session accepted this transport's attach: from now on frames from the client go to
     * {@code session}. Deliver the open frame before anything else.
     */
    void opened(Session session, Frame.Open open);

    /**
     * The session is done with this transport (replaced, timed out or closed): release any held
     * request at once and end the connection with this close code and reason.
     */
    void detached(int closeCode, String reason);
}
