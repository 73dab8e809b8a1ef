package io.cometbridge.server;

import io.cometbridge.api.TransportKind;
import io.cometbridge.session.TransportTotals;
import io.cometbridge.transport.ConnectionMeter;
import io.cometbridge.transport.WireTally;
import org.eclipse.jetty.http.HttpVersion;
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
 * <p>An HTTP/2 connection interleaves the streams of several requests, possibly of several sessions,
 * and its header compression state is shared by all of them: no split of its bytes between
 * sessions would be exact. Once a request shows the connection speaks HTTP/2 it is {@link
 * #multiplexed()}: its bytes go to the unattributed totals, and each request still counts one
 * HTTP request for its session (docs/PROTOCOL.md section 10).
 *
 * <p>Lock-free (a socket read or write takes no lock): reads, writes and charges come from
 * different threads. Only the thread reading the socket (one at a time) starts a new exchange;
 * each {@link WireExchange} settles itself with a compare-and-set.
 */
public final class WireMeter implements ConnectionMeter {
    /** A meter that counts nothing (a connection that is not metered). */
    public static final WireMeter NONE = new WireMeter(null);

    private final TransportTotals totals;
    private volatile boolean upgraded;
    private volatile boolean multiplexed;
    private volatile WireExchange current; // replaced only by the reading thread

    WireMeter(TransportTotals totals) {
        this.totals = totals;
        this.current = new WireExchange(totals);
    }

    /** The meter of the connection a request arrived on, or {@link #NONE}. */
    public static WireMeter of(Request request) {
        MeteredEndPoint metered = request == null ? null : MeteredEndPoint.of(request);
        if (metered == null) return NONE;
        if (request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_2) metered.meter().multiplexed();
        return metered.meter();
    }

    /**
     * Charges the current exchange (the request being handled, and its response) to a session's
     * transport, bytes already read included, and counts one HTTP request. The first charge of an
     * exchange wins.
     */
    @Override
    public void chargeTo(WireTally stats, TransportKind transport) {
        if (totals == null) return;
        if (multiplexed) stats.httpRequest(transport);
        else current.chargeTo(stats, transport);
    }

    /** The connection is becoming a WebSocket: no more exchange boundaries. */
    public void upgrade() {
        upgraded = true;
    }

    /** The connection carries HTTP/2: from now on its bytes are nobody's (see above). */
    void multiplexed() {
        if (multiplexed) return;
        multiplexed = true;
        current.end(); // the preface and settings so far: unattributed too
    }

    void filled(int n) {
        if (multiplexed) {
            totals.unattributed(n, 0, false);
            return;
        }
        WireExchange exchange = current;
        if (!upgraded && exchange.wrote()) { // a new HTTP request after a response
            exchange.end();
            exchange = new WireExchange(totals);
            current = exchange;
        }
        exchange.read(n);
    }

    void flushed(long n) {
        if (multiplexed) {
            totals.unattributed(0, n, false);
            return;
        }
        if (upgraded) current.written(n); // the socket attaches later, if at all
        else current.writtenFinal(n); // answered without a charge: no session will claim this exchange
    }

    void closed() {
        current.end();
    }
}
