package io.cometbridge.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a client remembers what it learned about the network to a bridge (an idle cut, say), so
 * that the next client in this process, or after a restart, starts with it. Keys name the bridge;
 * values are short strings. Implementations must be thread-safe. {@link #inMemory()} is the
 * default (one per client); an application may give one backed by a file or a database.
 */
public interface ClientMemory {
    /** The value remembered under {@code key}, or null (never stored, or expired). */
    String recall(String key);

    /** Remembers {@code value} under {@code key} for {@code ttl}. */
    void remember(String key, String value, Duration ttl);

    /** A thread-safe map in memory, with expiry. */
    static ClientMemory inMemory() {
        Map<String, Map.Entry<String, Instant>> entries = new ConcurrentHashMap<>();
        return new ClientMemory() {
            @Override
            public String recall(String key) {
                Map.Entry<String, Instant> e = entries.get(key);
                if (e == null) return null;
                if (e.getValue().isBefore(Instant.now())) {
                    entries.remove(key, e);
                    return null;
                }
                return e.getKey();
            }

            @Override
            public void remember(String key, String value, Duration ttl) {
                entries.put(key, Map.entry(value, Instant.now().plus(ttl)));
            }
        };
    }
}
