package io.cometbridge.session;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressRateLimiterTest {

    @Test
    void aBucketRefillsWithTimeUpToItsBurst() {
        AtomicLong clock = new AtomicLong(0);
        AddressRateLimiter limiter = new AddressRateLimiter(2, 3, clock::get);
        for (int i = 0; i < 3; i++) assertTrue(limiter.tryAcquire("a"));
        assertFalse(limiter.tryAcquire("a"), "the burst is spent");
        assertTrue(limiter.tryAcquire("b"), "another address has its own bucket");
        clock.addAndGet(500_000_000L); // half a second at 2/s: one token back
        assertTrue(limiter.tryAcquire("a"));
        assertFalse(limiter.tryAcquire("a"));
        clock.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) assertTrue(limiter.tryAcquire("a"), "refilled to the burst, not beyond");
        assertFalse(limiter.tryAcquire("a"));
    }

    @Test
    void aClockReadingOlderThanTheBucketsNeverTakesTokensAway() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        AddressRateLimiter limiter = new AddressRateLimiter(1000, 5, clock::get);
        assertTrue(limiter.tryAcquire("a"));
        clock.addAndGet(-1_000_000L); // a reading taken before the bucket's last update
        for (int i = 0; i < 4; i++) assertTrue(limiter.tryAcquire("a"), "call " + i);
    }

    /**
     * The bug this guards against: each caller read the clock before waiting for the bucket, so a
     * caller that waited behind a later one applied a negative refill and was refused with tokens
     * to spare. At a refill rate this high, every call must be granted.
     */
    @Test
    void concurrentCallersAreNeverRefusedWhileTheRateIsFarFromReached() throws Exception {
        AddressRateLimiter limiter = new AddressRateLimiter(1e15, 1000);
        int threads = 4;
        int calls = 200_000;
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < calls; i++) {
                    if (!limiter.tryAcquire("10.0.0.1")) refused.incrementAndGet();
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) w.join();
        assertEquals(0, refused.get(), "calls refused");
    }

    @Test
    void forgetIdleDropsOnlyFullBuckets() {
        AtomicLong clock = new AtomicLong(0);
        AddressRateLimiter limiter = new AddressRateLimiter(1, 2, clock::get);
        assertTrue(limiter.tryAcquire("a"));
        assertTrue(limiter.tryAcquire("a"));
        limiter.forgetIdle();
        assertFalse(limiter.tryAcquire("a"), "an empty bucket is kept");
        clock.addAndGet(5_000_000_000L);
        limiter.forgetIdle();
        assertEquals(0, limiter.addresses());
    }
}
