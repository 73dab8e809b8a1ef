package io.cometbridge.client;

import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.Framing;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The long-polling transport of the Java client: an attach, then one held {@code recv} after
 * another. Messages go out in a {@code recv} too (an exchange, PROTOCOL.md section 4), one at a
 * time: it replaces the held one, and the server answers it with the acknowledgement and whatever
 * the application queued meanwhile (an echo), so a round trip costs one request. Only the newest
 * recv's answer starts the next. Proxy trouble (a network error, or a non-bridge 408, 425, 429 or
 * 5xx) is retried: a poll a few times before the transport counts as failed, an exchange until it
 * goes through.
 */
final class PollingClientTransport implements ClientTransport {
    private static final int MAX_POLL_RETRIES = 3;

    private final HttpClient http;
    private final URI base; // .../bridge/poll
    private final java.util.Map<String, String> headers; // Origin and the application's
    private final Duration pollTimeout;
    private final Owner owner;
    private final LongSupplier earlyEnd; // a learned hold shorter than the server's (IdleCuts), or -1

    private volatile String sid;
    private volatile String key; // this transport's resume key (the open frame's), proof on every request
    private volatile boolean stopped;
    private volatile boolean sendInFlight;
    private volatile CompletableFuture<?> currentPoll;
    private final AtomicBoolean dropNextPollResponse = new AtomicBoolean();
    /** Numbers the recv requests: an answer to an older one (replaced) starts no new one. */
    private final AtomicLong newestRecv = new AtomicLong();
    private int pollFailures;

    PollingClientTransport(HttpClient http, URI base, java.util.Map<String, String> headers, Duration pollTimeout, Owner owner,
                           LongSupplier earlyEnd) {
        this.earlyEnd = earlyEnd;
        this.http = http;
        this.base = base;
        this.headers = headers;
        this.pollTimeout = pollTimeout;
        this.owner = owner;
    }

    @Override
    public TransportKind kind() {
        return TransportKind.POLLING;
    }

    @Override
    public Framing framing() {
        return Framing.BATCH;
    }

    @Override
    public void start(Frame.Attach attach) {
        http.sendAsync(post("attach", FrameCodec.encode(attach)), HttpResponse.BodyHandlers.ofString())
                .whenComplete((response, error) -> {
                    if (stopped) return;
                    if (error != null) {
                        owner.onTransportFailed(this, error);
                        return;
                    }
                    List<Frame> frames = parse(response);
                    if (frames == null) return;
                    for (Frame f : frames) {
                        if (f instanceof Frame.Open open) {
                            sid = open.sid();
                            key = open.key();
                        }
                    }
                    owner.onFrames(this, frames, this::poll);
                });
    }

    /** Asks for the next receive; its ack is taken on the client's executor. */
    private void poll() {
        if (!stopped) owner.withAck(this::poll);
    }

    private void poll(long ack) {
        if (stopped || sendInFlight) return; // an exchange in flight is the receive
        recv("[" + FrameCodec.encode(new Frame.Ack(ack)) + "]", false);
    }

    /**
     * A recv: a plain one (acknowledgement only), or an exchange carrying the client's batch. A
     * plain one ends early, on the client's side, after a learned hold shorter than a proxy's idle
     * cut (IdleCuts); one that fails early may be such a cut.
     */
    private void recv(String body, boolean exchange) {
        long number = newestRecv.incrementAndGet();
        long early = exchange ? -1 : earlyEnd.getAsLong(), started = System.nanoTime();
        HttpRequest request = post("recv", body, early > 0 ? Duration.ofMillis(early) : pollTimeout.plusSeconds(15));
        CompletableFuture<HttpResponse<String>> f = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        currentPoll = f;
        f.whenComplete((response, error) -> {
            if (stopped) return;
            if (exchange) sendInFlight = false;
            boolean newest = number == newestRecv.get();
            boolean timedOut = (error instanceof CompletionException ? error.getCause() : error) instanceof HttpTimeoutException;
            if (timedOut && early > 0) { // ended by the client after the learned hold: the next poll takes over
                if (newest) poll();
                return;
            }
            if (error != null || isProxyTrouble(response)) {
                if (exchange) {
                    owner.onSendFailed(this); // resends what is unacknowledged, in a new exchange
                    if (newest) poll();       // a receive stays out, and its failures count
                    return;
                }
                if (!timedOut) owner.onIdleCut(this, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)); // IdleCuts decides
                if (++pollFailures > MAX_POLL_RETRIES) {
                    owner.onTransportFailed(this, error != null ? error : new IOException("poll answered " + response.statusCode()));
                } else if (newest) {
                    poll();
                }
                return;
            }
            pollFailures = 0;
            if (response.statusCode() == 409 && response.body().contains("poll_conflict")) return; // a newer poll is held
            if (!exchange && response.statusCode() == 200 && !response.body().equals("[]") && dropNextPollResponse.compareAndSet(true, false)) {
                poll(); // test hook: the server wrote this response, the client never saw it
                return;
            }
            List<Frame> frames = parse(response);
            if (frames == null) return;
            // the next poll's ack covers these frames; a replaced recv's answer starts none
            owner.onFrames(this, frames, () -> {
                if (number == newestRecv.get() && !sendInFlight) poll();
            });
            if (exchange) owner.onSendComplete(this);
        });
    }

    /**
     * An answer that is not the bridge's and that proxies and overloaded servers give for a moment
     * (408, 425, 429, 5xx): the same request is simply made again.
     */
    private static boolean isProxyTrouble(HttpResponse<String> r) {
        if (r.statusCode() == 200) return false;
        ServerRefusal refusal = refusalOf(r);
        return refusal.code() == null && refusal.action(true) == io.cometbridge.protocol.ErrorCode.ClientAction.RETRY;
    }

    @Override
    public boolean canSend() {
        return !stopped && sid != null && !sendInFlight;
    }

    /**
     * Sends the batch as an exchange: a recv that carries it and ends with the acknowledgement
     * taken now (the batch's own ack frame, if any, is older).
     */
    @Override
    public void send(List<Frame> frames) {
        sendInFlight = true;
        owner.withAck(ack -> {
            if (stopped) {
                sendInFlight = false;
                return;
            }
            List<Frame> batch = new ArrayList<>(frames.size() + 1);
            for (Frame f : frames) if (!(f instanceof Frame.Ack)) batch.add(f);
            batch.add(new Frame.Ack(ack));
            recv(FrameCodec.encodeBatch(batch), true);
        });
    }

    /** The frames of a 200 answer; for an error status, tells the owner and returns null. */
    private List<Frame> parse(HttpResponse<String> response) {
        try {
            if (response.statusCode() == 200) return FrameCodec.decodeBatchTolerant(response.body());
            ServerRefusal refusal = refusalOf(response);
            if (refusal.code() == ErrorCode.TRANSPORT_REPLACED) {
                // The session moved on: after a switch, nothing to do; if this was still the
                // client's current transport (an older attach of its own overtook it), it re-attaches.
                stopped = true;
                owner.onTransportFailed(this, refusal);
            } else {
                owner.onRefused(this, refusal);
            }
        } catch (BridgeException e) {
            owner.onTransportFailed(this, e);
        }
        return null;
    }

    /** The documented error of a JSON error body, or the bare status of anything else (a proxy's page). */
    private static ServerRefusal refusalOf(HttpResponse<String> response) {
        try {
            var json = com.google.gson.JsonParser.parseString(response.body()).getAsJsonObject();
            ErrorCode code = ErrorCode.fromWireName(json.get("error").getAsString());
            if (code != null) return new ServerRefusal(response.statusCode(), code, json.get("message").getAsString());
        } catch (RuntimeException ignored) {
            // not our JSON: keep the status
        }
        String body = response.body() == null ? "" : response.body().strip();
        return new ServerRefusal(response.statusCode(), null, "HTTP " + response.statusCode()
                + (body.isEmpty() ? "" : ": " + (body.length() > 120 ? body.substring(0, 120) + "..." : body)));
    }

    private HttpRequest post(String endpoint, String body) {
        return post(endpoint, body, pollTimeout.plusSeconds(15));
    }

    private HttpRequest post(String endpoint, String body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("poll/" + endpoint))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sid != null) b.header("X-Bridge-Session", sid);
        if (key != null) b.header("X-Bridge-Key", key);
        headers.forEach(b::header);
        return b.build();
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public void kill() {
        stopped = true;
        CompletableFuture<?> poll = currentPoll;
        if (poll != null) poll.cancel(true); // aborts the held request mid-flight
        owner.onTransportFailed(this, new IOException("killed"));
    }

    /** Test hook: the next non-empty poll response is read and thrown away. */
    void dropNextPollResponse() {
        dropNextPollResponse.set(true);
    }

    @Override
    public String toString() {
        return "polling";
    }
}
