package io.cometbridge.samples.bench.load;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Comet Bridge over HTTP long-polling, from docs/PROTOCOL.md (section 4), one request per round
 * trip: {@code POST poll/attach} → {@code [open]}; then always one {@code POST poll/recv} held,
 * naming the last message received in an {@code ack} frame. Messages to send ride in a recv
 * (an exchange): while one is held, a new recv carrying them replaces it (the older is answered at
 * once). At most one recv carrying messages is in flight; messages queued meanwhile go in the next.
 * The session travels in {@code X-Bridge-Session}, the open frame's resume key in
 * {@code X-Bridge-Key} (section 2.1). Does not resume: a failed request is a lost session.
 */
final class BridgePollingClient extends AbstractClient {
    private static final String JSON = "application/json";
    private volatile String sid;
    private volatile String key;
    // guarded by this
    private long lastIn;
    private long outSeq;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean carrying; // a recv carrying messages is in flight
    private long latest;      // the number of the newest recv sent; only its answer starts the next one

    private final HttpClient http; // HTTP/1.1 or HTTP/2 (with connections of its own either way: HttpPoster)

    BridgePollingClient(LoadGenerator load, HttpClient http, URI base, Listener listener) {
        super(load, base, listener);
        this.http = http;
    }

    private void post(String endpoint, String body, java.util.function.Consumer<Request> extra, java.util.function.Consumer<HttpPoster.Answer> done) {
        HttpPoster.send(load, http, this, HttpMethod.POST, URI.create(base + "/poll/" + endpoint), JSON, body, extra, done);
    }

    @Override
    void start() {
        post("attach", "{\"t\":\"attach\",\"last\":0}", null, a -> {
            if (stopped) return;
            if (!a.ok()) {
                fail("attach: " + a.describe());
                return;
            }
            JsonObject open = JsonParser.parseString(a.body()).getAsJsonArray().get(0).getAsJsonObject();
            if (!open.get("t").getAsString().equals("open")) {
                fail("attach answered " + a.body());
                return;
            }
            sid = open.get("sid").getAsString();
            key = open.get("key").getAsString();
            recv();
            opened.complete(null);
        });
    }

    /** Sends the next recv: every queued message, then the acknowledgement. */
    private void recv() {
        StringBuilder batch = new StringBuilder("[");
        long number;
        boolean withMessages;
        synchronized (this) {
            if (stopped) return;
            withMessages = !queue.isEmpty();
            if (withMessages) carrying = true;
            while (!queue.isEmpty()) batch.append(queue.poll()).append(',');
            batch.append("{\"t\":\"ack\",\"a\":").append(lastIn).append("}]");
            number = ++latest;
        }
        post("recv", batch.toString(), this::sessionHeaders, a -> {
                    if (stopped) return;
                    if (a.status() == 409 && a.body() != null && a.body().contains("poll_conflict")) {
                        // Two plain recvs crossed (one sent by send(), one by an answer) and the server
                        // holds the other. If that other is an older one, its answer starts nothing: ask again.
                        boolean newest;
                        synchronized (this) {
                            newest = number == latest;
                        }
                        if (newest) recv();
                        return;
                    }
                    if (!a.ok()) {
                        fail("recv: " + a.describe());
                        return;
                    }
                    try {
                        onBatch(a.body());
                    } catch (RuntimeException e) {
                        fail("cannot handle " + a.body() + ": " + e);
                        return;
                    }
                    boolean next;
                    synchronized (this) {
                        if (withMessages) carrying = false;
                        // the newest recv's answer starts the next; an older one's (replaced) does too if messages wait
                        next = number == latest || (!queue.isEmpty() && !carrying);
                    }
                    if (next) recv();
                });
    }
    private void onBatch(String body) {
        JsonArray frames = JsonParser.parseString(body).getAsJsonArray();
        for (JsonElement f : frames) {
            if (f.isJsonArray()) {
                JsonArray data = f.getAsJsonArray();
                long seq = data.get(0).getAsLong();
                synchronized (this) {
                    if (seq <= lastIn) continue; // a resend we already have
                    if (seq != lastIn + 1) {
                        fail("sequence " + seq + " after " + lastIn);
                        return;
                    }
                    lastIn = seq;
                }
                JsonElement payload = data.get(1);
                if (!payload.isJsonPrimitive()) continue; // binary: not used by the benchmark
                String text = payload.getAsString();
                if (text.equals(BridgeWsClient.JOIN)) joined.complete(null);
                else listener.onMessage(this, text);
            } else {
                String t = f.getAsJsonObject().get("t").getAsString();
                if (t.equals("close") || t.equals("error")) fail(f.toString());
            }
        }
    }

    @Override
    public void send(String text) {
        synchronized (this) {
            StringBuilder b = new StringBuilder(text.length() + 24).append('[').append(++outSeq).append(',');
            queue.add(JsonText.appendQuoted(b, text).append(']').toString());
            if (carrying) return; // goes with the next recv, once the one in flight is answered
        }
        recv(); // replaces the held recv, which the server answers at once
    }

    private void sessionHeaders(Request r) {
        r.headers(h -> h.put("X-Bridge-Session", sid).put("X-Bridge-Key", key));
    }

    @Override
    public CompletableFuture<Void> join() {
        send(BridgeWsClient.JOIN);
        return joined;
    }

    @Override
    void stopTransport() {
        // requests in flight end with the server; nothing more is sent (stopped is set)
    }
}
