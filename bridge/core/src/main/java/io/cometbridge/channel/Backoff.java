package io.cometbridge.channel;

/**
 * How long a client waits before its next attempt after failures in a row: at once after the
 * first failure (a dropped connection usually comes back), then doubling from 100 ms up to 5 s.
 * The browser client's {@code backoffDelay} follows the same rule (bridge/spec/channel-cases.json).
 * Callers spread the delay by ±25 % so that clients cut off together do not return together.
 */
public final class Backoff {
    public static final long FIRST_MILLIS = 100;
    public static final long MAX_MILLIS = 5_000;

    private Backoff() {
    }

    /** The delay before the next attempt after {@code failuresInRow} failures (≥ 1), before jitter. */
    public static long delayMillis(int failuresInRow) {
        if (failuresInRow <= 1) return 0;
        int doublings = Math.min(failuresInRow - 2, 16);
        return Math.min(MAX_MILLIS, FIRST_MILLIS << doublings);
    }

    /** {@code delay} spread by ±25 %, with {@code random} in [0, 1). */
    public static long jittered(long delay, double random) {
        return Math.round(delay * (0.75 + random * 0.5));
    }
}
