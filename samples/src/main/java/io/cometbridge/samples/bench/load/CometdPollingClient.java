package io.cometbridge.samples.bench.load;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * CometD's Bayeux {@code long-polling} transport: every batch is a {@code POST} of a JSON array;
 * {@code /meta/connect} is always outstanding (held by the server) and other messages go in one
 * request at a time beside it. Like the CometD JavaScript client, meta messages go to
 * {@code /cometd/handshake} and {@code /cometd/connect}. The answer to any request may carry
 * messages for the client. CometD (by default, {@code trustClientSession=false}) accepts a
 * long-polling clientId only with the {@code BAYEUX_BROWSER} cookie its handshake answer set, so this
 * client sends that cookie back as a browser would: the one cookie of the benchmark, CometD's own.
 */
final class CometdPollingClient extends AbstractClient {
    private static final String JSON = "application/json;charset=UTF-8";
    private final Bayeux bayeux;
    // guarded by this
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean sending;
    private volatile String cookie;

    private final HttpClient http; // HTTP/1.1, or HTTP/2 (h2c)

    CometdPollingClient(LoadGenerator load, HttpClient http, URI base, Listener listener) {
        super(load, base, listener);
        this.http = http;
        this.bayeux = new Bayeux(this, "long-polling", opened, joined, listener, this::fail);
    }

    @Override
    void start() {
        post("/handshake", bayeux.handshake(), null);
    }

    /** Posts a batch; the answer's messages are handled, and a connect follows when one is due. */
    private void post(String path, String batch, Runnable after) {
        String c = cookie;
        HttpPoster.send(load, http, this, HttpMethod.POST, URI.create(base + path), JSON, batch,
                c == null ? null : r -> r.headers(h -> h.put("Cookie", c)), a -> {
            if (stopped) return;
            if (!a.ok()) {
                fail(path + ": " + a.describe());
                return;
            }
            String set = a.headers().get("Set-Cookie");
            if (set != null) cookie = set.substring(0, set.indexOf(';') < 0 ? set.length() : set.indexOf(';'));
            Bayeux.Next next;
            try {
                next = bayeux.onBatch(a.body());
            } catch (RuntimeException e) {
                fail("cannot handle " + a.body() + ": " + e);
                return;
            }
            if (stopped) return;
            if (next == Bayeux.Next.CONNECT) post("/connect", bayeux.connect(), null);
            if (after != null) after.run();
        });
    }

    private void enqueue(String message) {
        synchronized (this) {
            queue.add(message);
            if (sending) return;
            sending = true;
        }
        flush();
    }

    private void flush() {
        StringBuilder batch = new StringBuilder("[");
        synchronized (this) {
            if (queue.isEmpty() || stopped) {
                sending = false;
                return;
            }
            while (!queue.isEmpty()) {
                if (batch.length() > 1) batch.append(',');
                batch.append(queue.poll());
            }
        }
        post("", batch.append(']').toString(), this::flush);
    }

    @Override
    public void send(String text) {
        enqueue(bayeux.publish(text));
    }

    @Override
    public CompletableFuture<Void> join() {
        enqueue(bayeux.subscribe());
        return joined;
    }

    @Override
    void stopTransport() {
        // requests in flight end with the server; nothing more is sent (stopped is set)
    }
}
