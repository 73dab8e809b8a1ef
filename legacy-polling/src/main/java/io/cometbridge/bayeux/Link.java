package io.cometbridge.bayeux;

import io.cometbridge.api.TransportKind;
import io.cometbridge.transport.WireTally;

/**
 * The connection a Bayeux request came over: a long-polling HTTP request, or a WebSocket that
 * carries many batches (and, after a re-handshake, possibly another session).
 */
interface Link {
    TransportKind kind();

    /** The Bayeux {@code connectionType}: {@code long-polling} or {@code websocket}. */
    String connectionType();

    String remoteAddress();

    /** Charges this request's (HTTP) or this socket's (WebSocket) bytes to a session, once. */
    void charge(WireTally tally);

    /** Whether a request over this link belongs to transport {@code t} (or needs a new transport attached). */
    boolean carries(BayeuxTransport t);

    /** A transport on this link was opened (a WebSocket reports its end to it). */
    void attached(BayeuxTransport t);

    /** The session let go of the transport on this link for good (replaced, dead): a WebSocket closes. */
    void released(int closeCode, String reason);
}
