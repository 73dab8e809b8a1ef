package io.cometbridge.transport;

import io.cometbridge.api.TransportKind;

/**
 * The byte counter of the connection a transport runs on. Bytes wait until the transport knows
 * its session and charges the exchange (an HTTP request and its response, or a whole WebSocket)
 * to that session's {@link WireTally}.
 */
public interface ConnectionMeter {

    /** A connection that is not metered. */
    ConnectionMeter NONE = (tally, kind) -> { };

    /** Charges the current exchange to a session's transport, bytes already counted included. First call wins. */
    void chargeTo(WireTally tally, TransportKind kind);
}
