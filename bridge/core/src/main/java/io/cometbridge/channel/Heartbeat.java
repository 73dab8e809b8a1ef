package io.cometbridge.channel;

/**
 * When a lasting connection counts as dead (docs/PROTOCOL.md section 3, rule 5): silent for twice
 * the heartbeat interval, plus a slack for the side that does not ping (a client allows for the
 * server's timer and the network). Sans-IO: the owner reports what it heard and asks at its own
 * pace. Not thread-safe.
 */
public final class Heartbeat {
    private final long intervalNanos;
    private final long slackNanos;
    private long lastHeard;

    /** The slack a client allows beyond twice the server's interval before it gives up on a socket. */
    public static final long CLIENT_SLACK_NANOS = 1_000_000_000L;

    public Heartbeat(long intervalNanos, long slackNanos, long now) {
        this.intervalNanos = intervalNanos;
        this.slackNanos = slackNanos;
        this.lastHeard = now;
    }

    /** Anything arrived from the peer. */
    public void heard(long now) {
        lastHeard = now;
    }

    /** Whether the peer has been silent too long: the connection is dead. */
    public boolean isDead(long now) {
        return now - lastHeard > 2 * intervalNanos + slackNanos;
    }

    public long lastHeard() {
        return lastHeard;
    }

    public long intervalNanos() {
        return intervalNanos;
    }
}
