package io.cometbridge.transport;

import io.cometbridge.api.TransportKind;

/** Where one session's bytes on the wire and HTTP requests are counted (any thread). */
public interface WireTally {

    /** Bytes read from or written to the socket for this session. */
    void wire(TransportKind kind, long bytesIn, long bytesOut);

    /** One HTTP request of this session (a poll request, or a WebSocket upgrade). */
    void httpRequest(TransportKind kind);
}
