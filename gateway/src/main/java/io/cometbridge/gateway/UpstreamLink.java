package io.cometbridge.gateway;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.CloseReason;
import io.cometbridge.channel.Backoff;
import io.cometbridge.protocol.Message;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One session's upstream: its connection, the relay both ways, the two windows and the failure
 * policy (docs/GATEWAY.md).
 *
 * <ul>
 * <li><b>Client to upstream</b>, in order. Messages written and not yet on the upstream's socket
 * count against the upstream window; when it is full (a slow upstream), or while no connection is
 * open, the session stops taking client messages ({@link BridgeSession#pauseReceiving}): they
 * wait unacknowledged in the session and then in the client, both bounded.
 * <li><b>Upstream to client</b>, in order. Messages handed to the session and not yet acknowledged
 * by the client count against the client window; when it is full (a slow client) the next upstream
 * frame is not demanded, so the upstream's data waits in its own socket buffers. Reading resumes
 * once acknowledgements bring it below half.
 * </ul>
 *
 * <p>Called from the session's executor (client messages), Jetty's threads (upstream events) and
 * the gateway's timer; state is guarded by this object's lock. Calls that may run other work
 * inline (Jetty's demand, the session's send) are made outside it, in an order that keeps messages
 * in order.
 */
final class UpstreamLink {
    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

    private final Gateway gateway;
    private final GatewayConfig config;
    private final GatewayStats stats;
    private final BridgeSession session;

    // ---- guarded by this ----
    private UpstreamConnection current; // the attempt under way or the open connection; null between attempts
    private boolean open;               // current is open
    private boolean ended;              // the session ended: nothing more
    private boolean everOpened;
    private final ArrayDeque<Message> backlog = new ArrayDeque<>(); // taken while no connection was open (a few at most: the session is paused)
    private int unwritten;              // upstream window: written, not yet on the socket
    private long unwrittenBytes;
    private boolean upstreamFull;
    private int unacked;                // client window: relayed, not yet acknowledged by the client
    private long unackedBytes;
    private boolean readingStopped;     // no demand out on the upstream: the client window is full
    private boolean clientPaused;       // this link has paused the session
    private int failuresInRow;
    private long downSince = -1;        // nano time the upstream was lost (reconnecting), or -1
    private ScheduledFuture<?> timer;   // the next attempt, or the pings

    UpstreamLink(Gateway gateway, BridgeSession session) {
        this.gateway = gateway;
        this.config = gateway.config();
        this.stats = gateway.stats();
        this.session = session;
    }

    // ================================================================ session side

    /** The session opened: the client waits (paused) until the upstream is there. */
    synchronized void open() {
        updatePause();
        connect();
    }

    /** A client message (on the session's executor, in order). */
    synchronized void toUpstream(Message m) {
        if (ended) return;
        if (!open || !backlog.isEmpty()) {
            backlog.add(m); // the session is paused; this one was already on its way
            updatePause();
            return;
        }
        write(m);
    }

    /** The session ended: so does its upstream connection (1000 when the client closed, else 1001). */
    void sessionClosed(CloseReason reason) {
        UpstreamConnection c;
        synchronized (this) {
            if (ended) return;
            ended = true;
            c = current;
            current = null;
            open = false;
            cancelTimer();
        }
        if (c != null) c.close(reason.code() == 1000 ? 1000 : 1001, reason.code() == 1000 ? "client closed" : "session ended: " + reason.code());
    }

    /** A message the client acknowledged (or the session ended before it could). */
    private void acknowledged(int size) {
        UpstreamConnection demand = null;
        synchronized (this) {
            unacked--;
            unackedBytes -= size;
            if (readingStopped && open && unacked <= config.clientWindow().messages() / 2 && unackedBytes <= config.clientWindow().bytes() / 2) {
                readingStopped = false;
                demand = current;
            }
        }
        if (demand != null) demand.demand();
    }

    // ================================================================ upstream side

    void connected(UpstreamConnection c) {
        synchronized (this) {
            if (c != current || ended) {
                c.close(1001, "session ended");
                return;
            }
            opened(c);
            if (readingStopped) return;
        }
        c.demand(); // outside the lock: Jetty may deliver the first frame on this thread
    }

    private void opened(UpstreamConnection c) {
        open = true;
        if (everOpened) stats.reconnects.increment();
        everOpened = true;
        stats.connects.increment();
        failuresInRow = 0;
        downSince = -1;
        unwritten = 0;
        unwrittenBytes = 0;
        upstreamFull = false;
        while (!backlog.isEmpty() && !upstreamFull) write(backlog.poll());
        cancelTimer();
        long ping = config.pingInterval().toMillis();
        if (ping > 0) timer = gateway.timers().scheduleAtFixedRate(c::ping, ping, ping, TimeUnit.MILLISECONDS);
        updatePause();
        readingStopped = !clientHasRoom();
    }

    /** An upstream message (on a Jetty thread; the next one comes only after the next demand). */
    void fromUpstream(UpstreamConnection c, Message m) {
        synchronized (this) {
            if (c != current || ended) return;
            if (m.size() > config.maxMessageBytes()) {
                c.close(1009, "message above " + config.maxMessageBytes());
                lostLocked(c, 1009, "message above the bridge's limit of " + config.maxMessageBytes(), false);
                return;
            }
            unacked++;
            unackedBytes += m.size();
            stats.unacknowledged(unacked);
            stats.toClient.increment();
        }
        int size = m.size();
        session.send(m).whenComplete((v, e) -> acknowledged(size)); // before the next demand: order is kept
        boolean demand;
        synchronized (this) {
            if (c != current || ended) return;
            demand = clientHasRoom();
            if (!demand) {
                readingStopped = true;
                stats.clientStalls.increment();
            }
        }
        if (demand) c.demand();
    }

    private void written(UpstreamConnection c, int size) {
        synchronized (this) {
            if (c != current) return;
            unwritten--;
            unwrittenBytes -= size;
            if (upstreamFull && unwritten <= config.upstreamWindow().messages() / 2 && unwrittenBytes <= config.upstreamWindow().bytes() / 2) {
                upstreamFull = false;
                while (!backlog.isEmpty() && !upstreamFull) write(backlog.poll());
                updatePause();
            }
        }
    }

    /**
     * The connection (or the attempt) ended by itself. {@code code} 0: it never opened;
     * {@code refused}: the upstream answered the handshake with a 4xx, so trying again will not help.
     */
    synchronized void lost(UpstreamConnection c, int code, String reason, boolean refused) {
        lostLocked(c, code, reason, refused);
    }

    private void lostLocked(UpstreamConnection c, int code, String reason, boolean refused) {
        if (c != current || ended) return;
        stats.failures.increment();
        if (open) stats.lostInFlight.add(unwritten); // written to a dying socket: the upstream may or may not have them
        current = null;
        open = false;
        cancelTimer();
        String what = code == 0 ? "upstream " + reason : "upstream closed: " + code + (reason.isEmpty() ? "" : " " + reason);
        LOG.log(Level.FINE, () -> "session " + session + ": " + what);
        if (config.onClose() == GatewayConfig.OnClose.RECONNECT && !refused && retryable(code)) {
            long now = System.nanoTime();
            if (downSince < 0) downSince = now;
            if (now - downSince < config.reconnectFor().toNanos()) {
                long delay = Backoff.jittered(Backoff.delayMillis(++failuresInRow), ThreadLocalRandom.current().nextDouble());
                timer = gateway.timers().schedule(this::reconnect, delay, TimeUnit.MILLISECONDS);
                updatePause(); // client messages wait meanwhile
                return;
            }
            endSession(Gateway.UPSTREAM_UNREACHABLE, "upstream not back within " + config.reconnectFor().toSeconds() + " s: " + reason);
            return;
        }
        endSession(code == 0 ? Gateway.UPSTREAM_UNREACHABLE : Gateway.UPSTREAM_CLOSED, what);
    }

    /**
     * Closes that say the upstream went away (1001 going away, 1006 dropped, 1011 internal error,
     * 1012 restart, 1013 try again later, 1014 bad gateway, or no connection at all) are worth
     * reconnecting after; any other close was the upstream's decision about this client.
     */
    static boolean retryable(int code) {
        return code == 0 || code == 1001 || code == 1006 || (code >= 1011 && code <= 1014);
    }

    // ================================================================ internals (under the lock)

    private void connect() {
        if (ended) return;
        UpstreamConnection c = new UpstreamConnection(this);
        current = c;
        try {
            gateway.client().connect(c, UpstreamRequest.build(config, session.attachRequest()))
                    .whenComplete((s, error) -> {
                        if (error != null) c.connectFailed(error);
                    });
        } catch (Exception e) { // a bad request or a stopped client: same as a failed attempt
            c.connectFailed(e);
        }
    }

    private synchronized void reconnect() {
        timer = null;
        connect();
    }

    private void write(Message m) {
        UpstreamConnection c = current;
        int size = m.size();
        unwritten++;
        unwrittenBytes += size;
        stats.unwritten(unwritten);
        stats.toUpstream.increment();
        if (unwritten >= config.upstreamWindow().messages() || unwrittenBytes >= config.upstreamWindow().bytes()) {
            upstreamFull = true;
            stats.upstreamStalls.increment();
        }
        c.send(m, () -> written(c, size));
        updatePause();
    }

    private boolean clientHasRoom() {
        return unacked < config.clientWindow().messages() && unackedBytes < config.clientWindow().bytes();
    }

    /** The session takes client messages only while an upstream is open, its window has room and nothing waits before them. */
    private void updatePause() {
        boolean pause = !ended && (!open || upstreamFull || !backlog.isEmpty());
        if (pause == clientPaused) return;
        clientPaused = pause;
        if (pause) session.pauseReceiving();
        else session.resumeReceiving(); // never runs session work on this thread
    }

    private void endSession(int code, String reason) {
        ended = true;
        session.close(code, reason);
    }

    @Override
    public synchronized String toString() {
        return "UpstreamLink[" + (ended ? "ended" : open ? "open" : "connecting") + ", unwritten " + unwritten + (upstreamFull ? " (full)" : "")
                + ", unacknowledged " + unacked + (readingStopped ? " (reading stopped)" : "") + ", backlog " + backlog.size()
                + (clientPaused ? ", client paused" : "") + "]";
    }

    private void cancelTimer() {
        if (timer != null) timer.cancel(false);
        timer = null;
    }
}
