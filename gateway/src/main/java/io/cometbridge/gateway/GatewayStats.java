package io.cometbridge.gateway;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link Gateway} has done since it started, across its sessions (any thread). The high-water
 * marks show the flow-control windows held: they never pass the configured windows (plus one
 * message, the one whose arrival filled a window).
 */
public final class GatewayStats {
    final LongAdder connects = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder toUpstream = new LongAdder();
    final LongAdder toClient = new LongAdder();
    final LongAdder lostInFlight = new LongAdder();
    final LongAdder clientStalls = new LongAdder();
    final LongAdder upstreamStalls = new LongAdder();
    private final AtomicLong maxUnacknowledged = new AtomicLong();
    private final AtomicLong maxUnwritten = new AtomicLong();

    /** Upstream connections opened (reconnections included). */
    public long connects() {
        return connects.sum();
    }

    /** Of those, reconnections after a failure (policy {@code reconnect}). */
    public long reconnects() {
        return reconnects.sum();
    }

    /** Upstream connections that were refused, could not be made, or ended other than by the gateway. */
    public long failures() {
        return failures.sum();
    }

    /** Client messages written to upstreams. */
    public long messagesToUpstream() {
        return toUpstream.sum();
    }

    /** Upstream messages handed to sessions for their clients. */
    public long messagesToClient() {
        return toClient.sum();
    }

    /** Client messages written to an upstream socket that died before the write completed (lost, or maybe not). */
    public long lostInFlight() {
        return lostInFlight.sum();
    }

    /** Times an upstream went unread because its client's window was full (a slow client). */
    public long clientStalls() {
        return clientStalls.sum();
    }

    /** Times a session stopped taking client messages because its upstream's window was full (a slow upstream). */
    public long upstreamStalls() {
        return upstreamStalls.sum();
    }

    /** The most messages relayed to one client and not yet acknowledged by it, at any moment. */
    public long maxUnacknowledged() {
        return maxUnacknowledged.get();
    }

    /** The most client messages written to one upstream and not yet on its socket, at any moment. */
    public long maxUnwritten() {
        return maxUnwritten.get();
    }

    void unacknowledged(long n) {
        maxUnacknowledged.accumulateAndGet(n, Math::max);
    }

    void unwritten(long n) {
        maxUnwritten.accumulateAndGet(n, Math::max);
    }

    @Override
    public String toString() {
        return "GatewayStats[connects " + connects() + ", reconnects " + reconnects() + ", failures " + failures()
                + ", to upstream " + messagesToUpstream() + ", to client " + messagesToClient() + ", lost in flight " + lostInFlight()
                + ", client stalls " + clientStalls() + ", upstream stalls " + upstreamStalls()
                + ", max unacknowledged " + maxUnacknowledged() + ", max unwritten " + maxUnwritten() + "]";
    }
}
