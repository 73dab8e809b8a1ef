package io.cometbridge.session;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

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
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Mutated only inside the map's atomic compute for its key. */
    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    AddressRateLimiter(double perSecond, double burst) {
        this(perSecond, burst, System::nanoTime);
    }

    AddressRateLimiter(double perSecond, double burst, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** Takes one token for this address; false when it has none left. */
    boolean tryAcquire(String address) {
        if (address == null) return true;
        boolean[] granted = new boolean[1];
        buckets.compute(address, (a, b) -> {
            // The clock is read here, inside the key's atomic compute: read before it, a caller
            // that waited behind a later one would refill by a negative amount and be refused.
            long now = nanoClock.getAsLong();
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
        long elapsed = now - b.updatedNanos;
        if (elapsed <= 0) return; // the same instant, or a clock that stepped back: nothing to add
        b.tokens = Math.min(burst, b.tokens + elapsed / 1e9 * perSecond);
        b.updatedNanos = now;
    }

    /** Drops buckets that are full again (their address has been quiet). */
    void forgetIdle() {
        for (String address : buckets.keySet()) {
            buckets.computeIfPresent(address, (a, b) -> {
                refill(b, nanoClock.getAsLong());
                return b.tokens >= burst ? null : b;
            });
        }
    }

    /** Addresses with a bucket (for tests). */
    int addresses() {
        return buckets.size();
    }
}
