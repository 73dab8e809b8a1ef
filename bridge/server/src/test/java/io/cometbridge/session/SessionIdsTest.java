package io.cometbridge.session;

import org.junit.jupiter.api.Test;

import java.security.DrbgParameters;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionIdsTest {

    @Test
    void idsAndKeysHaveTheirDocumentedShape() {
        for (int i = 0; i < 1000; i++) {
            String id = SessionIds.next();
            assertTrue(SessionIds.isWellFormed(id), id);
            String key = SessionIds.nextKey();
            assertEquals(22, key.length(), key);
            assertTrue(key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_'), key);
        }
    }

    /** A resume key matches only itself: not a prefix, an extension, another key of its length, or nothing. */
    @Test
    void aKeyMatchesOnlyItself() {
        String key = SessionIds.nextKey();
        assertTrue(SessionIds.sameKey(key, new String(key.toCharArray())));
        assertFalse(SessionIds.sameKey(key, key.substring(0, 21)));
        assertFalse(SessionIds.sameKey(key, key + "A"));
        assertFalse(SessionIds.sameKey(key, key.substring(0, 21) + (key.charAt(21) == 'A' ? 'B' : 'A')));
        assertFalse(SessionIds.sameKey(key, ""));
        assertFalse(SessionIds.sameKey(key, null));
        assertFalse(SessionIds.sameKey(null, key));
    }

    /** Attaches on many threads at once draw on no shared lock: each thread has a generator of its own, a DRBG. */
    @Test
    void everyThreadDrawsFromAStrongGeneratorOfItsOwn() throws Exception {
        SecureRandom mine = SessionIds.generator();
        assertSame(mine, SessionIds.generator(), "the same thread keeps its generator");
        assertEquals("DRBG", mine.getAlgorithm());
        assertEquals(256, ((DrbgParameters.Instantiation) mine.getParameters()).getStrength(), "security strength in bits");

        SecureRandom[] other = new SecureRandom[1];
        Thread t = new Thread(() -> other[0] = SessionIds.generator());
        t.start();
        t.join();
        assertNotSame(mine, other[0], "another thread has another generator");
    }

    /** Ids drawn on many threads at once are all distinct (no generator state shared or repeated between threads). */
    @Test
    void idsDrawnConcurrentlyNeverRepeat() throws Exception {
        int threads = 8, each = 5000;
        Set<String> ids = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int j = 0; j < each; j++) ids.add(SessionIds.next());
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) w.join();
        assertEquals(threads * each, ids.size());
        Set<Character> firsts = new HashSet<>();
        for (String id : ids) firsts.add(id.charAt(0));
        assertEquals(64, firsts.size(), "every base64 character starts some id among 40,000");
    }
}
