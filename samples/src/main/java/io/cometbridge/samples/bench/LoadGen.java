package io.cometbridge.samples.bench;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The load generator's shared resources: a few JDK HTTP clients (each has one selector thread; the
 * clients of the benchmark are spread over them) and one small thread pool for every
 * {@link BridgeClient}'s callbacks. Thousands of clients cost sockets, not threads.
 */
final class LoadGen implements AutoCloseable {
    private final ExecutorService pool;
    private final HttpClient[] http;
    private final AtomicInteger next = new AtomicInteger();

    LoadGen(int threads, int httpClients) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "loadgen-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = new HttpClient[Math.max(1, httpClients)];
        for (int i = 0; i < http.length; i++) {
            // HTTP/1.1 as browsers speak it to a plain-http server (no h2c upgrade headers on every request).
            http[i] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool)
                    .connectTimeout(Duration.ofSeconds(30)).build();
        }
    }

    BridgeClient client(URI bridge, TransportKind kind, BridgeClient.Listener listener) {
        return BridgeClient.builder(bridge)
                .transports(kind)
                .httpClient(http[Math.floorMod(next.getAndIncrement(), http.length)])
                .executor(pool)
                .connectTimeout(Duration.ofSeconds(60))
                .listener(listener)
                .build();
    }

    /**
     * Builds and connects {@code count} clients, at most {@code parallel} connecting at a time.
     * {@code progress} hears how many are connected so far.
     */
    <L extends BridgeClient.Listener> List<BridgeClient> connect(URI bridge, TransportKind kind, int count, int parallel,
                                                                 IntFunction<L> listeners, java.util.function.IntConsumer progress)
            throws InterruptedException {
        List<BridgeClient> clients = new ArrayList<>(count);
        Semaphore permits = new Semaphore(parallel);
        AtomicInteger connected = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            permits.acquire();
            BridgeClient c = client(bridge, kind, listeners.apply(i));
            clients.add(c);
            CompletableFuture<Void> f = c.connect().whenComplete((v, e) -> {
                permits.release();
                if (e == null) progress.accept(connected.incrementAndGet());
            });
            all.add(f);
        }
        try {
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("only " + connected.get() + " of " + count + " clients connected", e);
        }
        return clients;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
