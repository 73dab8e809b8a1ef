package io.cometbridge.server;

import io.cometbridge.api.TransportKind;
import io.cometbridge.session.TransportTotals;
import io.cometbridge.transport.ConnectionMeter;
import io.cometbridge.transport.WireTally;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * Counts the bytes one TCP connection reads and writes at the socket (see {@link MeteredEndPoint})
 * and charges them to the session they belong to: the "bytes on the wire" of the A/B comparison
 * (docs/PROTOCOL.md section 10), HTTP headers and bodies, WebSocket frame headers, masks and
 * control frames included.
 *
 * <p>An HTTP/1.1 connection is a series of exchanges: request bytes in, then response bytes out
 * (clients do not pipeline). The first bytes read after the connection has written anything start
 * a new exchange. Bytes of an exchange wait until a transport {@link #chargeTo charges} it to a session
 * (as soon as the request names one), so a keep-alive connection that carries requests of several
 * sessions charges each request to its own session. A WebSocket connection is {@link #upgrade()
 * upgraded}: from then on it is one exchange for its whole life, the handshake included, charged
 * to the session its attach frame names. Bytes no session claims go to the unattributed totals:
 * an HTTP exchange still unbound when its response starts is charged there at once (every
 * transport charges it before it answers), an upgraded one when the socket closes.
 *
 * <p>Thread-safe: reads, writes and charges come from different threads.
 */
public final class WireMeter implements ConnectionMeter {
    /** A meter that counts nothing (a connection that is not metered). */
    public static final WireMeter NONE = new WireMeter(null);

    private final TransportTotals totals;
    // ---- guarded by this ----
    private WireTally target;
    private TransportKind kind;
    private boolean upgraded;
    private boolean wroteSinceRead;
    private boolean unclaimed; // this HTTP exchange answered without a charge: its bytes are unattributed
    private long pendingIn;
    private long pendingOut;

    WireMeter(TransportTotals totals) {
        this.totals = totals;
    }

    /** The meter of the connection a request arrived on, or {@link #NONE}. */
    public static WireMeter of(Request request) {
        if (request == null) return NONE;
        Connection connection = request.getConnectionMetaData().getConnection();
        EndPoint endPoint = connection == null ? null : connection.getEndPoint();
        while (endPoint != null) {
            if (endPoint instanceof MeteredEndPoint metered) return metered.meter();
            endPoint = endPoint instanceof EndPoint.Wrapper w ? w.unwrap() : null;
        }
        return NONE;
    }

    /**
     * Charges the current exchange (the request being handled, and its response) to a session's
     * transport, bytes already read included, and counts one HTTP request. The first charge of an
     * exchange wins.
     */
    @Override
    public void chargeTo(WireTally stats, TransportKind transport) {
        if (totals == null) return;
        long in, out;
        synchronized (this) {
            if (target != null || unclaimed) return;
            target = stats;
            kind = transport;
            in = pendingIn;
            out = pendingOut;
            pendingIn = 0;
            pendingOut = 0;
        }
        stats.httpRequest(transport);
        stats.wire(transport, in, out);
    }

    /** The connection is becoming a WebSocket: no more exchange boundaries. */
    public synchronized void upgrade() {
        upgraded = true;
    }

    void filled(int n) {
        WireTally charge;
        TransportKind k;
        synchronized (this) {
            if (!upgraded && wroteSinceRead) endExchange();
            if (target == null) {
                if (unclaimed) totals.unattributed(n, 0, false);
                else pendingIn += n;
                return;
            }
            charge = target;
            k = kind;
        }
        charge.wire(k, n, 0);
    }

    void flushed(long n) {
        WireTally charge;
        TransportKind k;
        synchronized (this) {
            wroteSinceRead = true;
            if (target == null) {
                if (upgraded) {
                    pendingOut += n; // the socket attaches later, if at all
                } else if (unclaimed) {
                    totals.unattributed(0, n, false);
                } else { // answered without a charge: no session will claim this exchange
                    unclaimed = true;
                    totals.unattributed(pendingIn, pendingOut + n, true);
                    pendingIn = 0;
                    pendingOut = 0;
                }
                return;
            }
            charge = target;
            k = kind;
        }
        charge.wire(k, 0, n);
    }

    void closed() {
        synchronized (this) {
            endExchange();
        }
    }

    private void endExchange() {
        if (target == null && (pendingIn != 0 || pendingOut != 0)) totals.unattributed(pendingIn, pendingOut, true);
        target = null;
        kind = null;
        pendingIn = 0;
        pendingOut = 0;
        wroteSinceRead = false;
        unclaimed = false;
    }
}
