package io.cometbridge.client;

import io.cometbridge.channel.Backoff;

/**
 * When a client on polling tries WebSocket again: the first probe after {@code firstMillis}, each
 * failure doubling the wait (jittered) up to {@code maxMillis}, and no more probes after
 * {@code maxProbes} failures in a row (until WebSocket works again). Far apart because a probe
 * through a proxy that swallows upgrades costs a connect timeout each time.
 */
final class ProbeSchedule {
    private final long firstMillis;
    private final long maxMillis;
    private final int maxProbes;
    private int failures;

    ProbeSchedule(long firstMillis, long maxMillis, int maxProbes) {
        this.firstMillis = firstMillis;
        this.maxMillis = maxMillis;
        this.maxProbes = maxProbes;
    }

    void failed() {
        failures++;
    }

    /** WebSocket works again: the next probe (after a later fallback) comes soon. */
    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }

    /** The wait before the next probe, or -1 once probing has stopped. */
    long nextDelayMillis(double random) {
        if (failures >= maxProbes) return -1;
        long base = Math.min(maxMillis, firstMillis << Math.min(failures, 30));
        return Backoff.jittered(Math.max(1, base), random);
    }
}
