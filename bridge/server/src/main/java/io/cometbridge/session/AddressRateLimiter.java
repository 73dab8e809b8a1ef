package io.cometbridge.session;

import java.util.concurrent.ConcurrentHashMap;

/**
 * New sessions per second per client address: a token bucket per address, refilled continuously.
 * Buckets that have refilled completely are dropped by {@link #forgetIdle}, so the map holds only
 * addresses active in the last few seconds.
 *
 * <p>Behind a reverse proxy every client shares the proxy's address; raise the limit there (the
 * bridge does not trust X-Forwarded-For, which any client can forge).
 */
final class AddressRateLimiter {
    private final double perSecond;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    AddressRateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes one token for this address; false when it has none left. */
    boolean tryAcquire(String address) {
        if (address == null) return true;
        long now = System.nanoTime();
        boolean[] granted = new boolean[1];
        buckets.compute(address, (a, b) -> {
            if (b == null) b = new Bucket(burst, now);
            refill(b, now);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                granted[0] = true;
            }
            return b;
        });
        return granted[0];
    }

    private void refill(Bucket b, long now) {
        b.tokens = Math.min(burst, b.tokens + (now - b.updatedNanos) / 1e9 * perSecond);
        b.updatedNanos = now;
    }

    /** Drops buckets that are full again (their address has been quiet). */
    void forgetIdle() {
        long now = System.nanoTime();
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().tokens + (now - e.getValue().updatedNanos) / 1e9 * perSecond >= burst;
            }
        });
    }
}
