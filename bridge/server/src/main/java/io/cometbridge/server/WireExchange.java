package io.cometbridge.server;

import io.cometbridge.api.TransportKind;
import io.cometbridge.session.TransportTotals;
import io.cometbridge.transport.WireTally;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One exchange of a {@link WireMeter}'s connection: an HTTP request and its response, or a whole
 * WebSocket. Its bytes wait here until the exchange is settled, once: charged to a session, or
 * left to the unattributed totals. Settled, every further byte goes straight to where it was settled.
 *
 * <p>Lock-free, so that counting costs a socket read or write no lock: settling is one
 * compare-and-set. A byte that arrives while another thread settles is added to the waiting count
 * first and the settlement read after; the settler takes the waiting count after it settles. So
 * whichever of the two comes second sees the other, and takes (getAndSet) the byte exactly once.
 */
final class WireExchange {
    /** Where a settled exchange's bytes go: a session's tally, or nowhere ({@link #UNATTRIBUTED}). */
    private record Charge(WireTally tally, TransportKind kind) { }

    private static final Charge UNATTRIBUTED = new Charge(null, null);

    private final TransportTotals totals;
    private final AtomicReference<Charge> charge = new AtomicReference<>(); // null until settled, then final
    private final AtomicLong waitingIn = new AtomicLong();
    private final AtomicLong waitingOut = new AtomicLong();
    /** This exchange has written: the next read starts a new exchange (HTTP). */
    private volatile boolean wrote;

    WireExchange(TransportTotals totals) {
        this.totals = totals;
    }

    boolean wrote() {
        return wrote;
    }

    /** Charges this exchange to a session, bytes waiting included, and counts one HTTP request. First settlement wins. */
    void chargeTo(WireTally tally, TransportKind kind) {
        Charge c = new Charge(tally, kind);
        if (!charge.compareAndSet(null, c)) return;
        tally.httpRequest(kind);
        takeWaiting(c);
    }

    /** Bytes read from the socket. */
    void read(long n) {
        Charge c = charge.get();
        if (c != null) {
            send(c, n, 0);
            return;
        }
        waitingIn.addAndGet(n);
        c = charge.get();
        if (c != null) takeWaiting(c); // settled meanwhile: the settler may have missed these bytes
    }

    /** Bytes written to the socket; they wait for a charge (a WebSocket attaches after its handshake). */
    void written(long n) {
        if (!wrote) wrote = true;
        Charge c = charge.get();
        if (c != null) {
            send(c, 0, n);
            return;
        }
        waitingOut.addAndGet(n);
        c = charge.get();
        if (c != null) takeWaiting(c);
    }

    /**
     * Bytes written, and no session may claim this exchange any more if none has yet: an HTTP
     * response is starting (every transport charges before it answers).
     */
    void writtenFinal(long n) {
        if (!wrote) wrote = true;
        Charge c = charge.get();
        if (c == null) {
            if (settleUnattributed(n)) return;
            c = charge.get(); // a charge won the race
        }
        send(c, 0, n);
    }

    /** The exchange is over: bytes no session claimed go to the unattributed totals. */
    void end() {
        if (charge.get() == null) settleUnattributed(0);
    }

    /** Settles this exchange as nobody's, counting it as one unattributed request if it carried bytes. */
    private boolean settleUnattributed(long moreOut) {
        if (!charge.compareAndSet(null, UNATTRIBUTED)) return false;
        long in = waitingIn.getAndSet(0);
        long out = waitingOut.getAndSet(0) + moreOut;
        if (in != 0 || out != 0) totals.unattributed(in, out, true);
        return true;
    }

    private void takeWaiting(Charge c) {
        long in = waitingIn.getAndSet(0);
        long out = waitingOut.getAndSet(0);
        if (in != 0 || out != 0) send(c, in, out);
    }

    private void send(Charge c, long in, long out) {
        if (c == UNATTRIBUTED) totals.unattributed(in, out, false);
        else c.tally().wire(c.kind(), in, out);
    }
}
