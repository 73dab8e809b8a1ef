package io.cometbridge.client;

import java.time.Duration;

/**
 * Background WebSocket probes of a client on polling ({@link ProbeSchedule}), and how long a
 * client remembers that WebSocket failed for a bridge ({@link TransportMemory}), and how long
 * WebSocket stays demoted after useless sockets ({@link WebSocketDemotion}).
 */
record ProbeSettings(Duration firstDelay, Duration maxDelay, int maxProbes, Duration rememberFor, Duration demoteFor) {
    static final ProbeSettings DEFAULTS = new ProbeSettings(Duration.ofSeconds(2), Duration.ofMinutes(5), 8, Duration.ofHours(1),
            Duration.ofMinutes(10));

    ProbeSettings {
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0 || maxProbes < 0
                || rememberFor.isNegative() || demoteFor.isNegative()) {
            throw new IllegalArgumentException("probes: first delay > 0, max delay >= first delay, max probes >= 0, remember for >= 0, demote for >= 0");
        }
    }
}
