package io.cometbridge.samples.bench.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Comet Bridge over WebSocket, from docs/PROTOCOL.md (sections 1–3): {@code attach} → {@code open},
 * data frames {@code [seq,"text"(,ack)]} both ways, cumulative acknowledgements (piggybacked on the
 * next data frame, else after 32 messages or 25 ms, like the Java client), {@code ping} → {@code pong}.
 * Independent of the project's BridgeClient on purpose. Does not resume: a lost socket is a lost session.
 */
final class BridgeWsClient extends WsClient {
    static final String JOIN = "j";
    private static final String OPEN = "{\"t\":\"open\",";
    private final int[] end = new int[1];
    // guarded by this
    private long lastIn;
    private long ackedIn;
    private long outSeq;
    private boolean ackTimerArmed;

    BridgeWsClient(LoadGenerator load, URI base, Listener listener) {
        super(load, base, listener);
    }

    @Override
    URI endpoint() {
        return URI.create("ws" + base.toString().substring(4) + "/ws");
    }

    @Override
    void onOpen() {
        sendText("{\"t\":\"attach\",\"last\":0}");
    }

    @Override
    void onText(String text) {
        if (text.charAt(0) == '[') {
            onData(text);
            return;
        }
        if (text.startsWith(OPEN)) { // the server's usual form: no parse, as the Socket.IO client reads its OPEN packet's type only
            opened.complete(null);
            return;
        }
        JsonObject frame = JsonParser.parseString(text).getAsJsonObject();
        switch (frame.get("t").getAsString()) {
            case "open" -> opened.complete(null);
            case "ping" -> sendText("{\"t\":\"pong\",\"ts\":" + frame.get("ts") + "}");
            case "close", "error" -> fail(text);
            default -> {
                // ack, pong, notice: nothing to do (this client keeps no replay buffer)
            }
        }
    }

    private void onData(String text) {
        String payload;
        synchronized (this) {
            long seq = JsonText.readLong(text, 1, end);
            if (seq != lastIn + 1) {
                fail("sequence " + seq + " after " + lastIn);
                return;
            }
            lastIn = seq;
            payload = text.charAt(end[0] + 1) == '"' ? JsonText.readString(text, end[0] + 1, end) : null;
            if (lastIn - ackedIn >= 32) {
                sendAck();
            } else if (!ackTimerArmed) {
                ackTimerArmed = true;
                load.timer.schedule(this::ackTimer, 25, TimeUnit.MILLISECONDS);
            }
        }
        if (payload == null) return; // binary: not used by the benchmark
        if (payload.equals(JOIN)) joined.complete(null);
        else listener.onMessage(this, payload);
    }

    private synchronized void ackTimer() {
        ackTimerArmed = false;
        if (lastIn > ackedIn) sendAck();
    }

    private void sendAck() { // holding the lock
        ackedIn = lastIn;
        sendText("{\"t\":\"ack\",\"a\":" + lastIn + "}");
    }

    @Override
    public synchronized void send(String text) {
        StringBuilder b = new StringBuilder(text.length() + 32).append('[').append(++outSeq).append(',');
        JsonText.appendQuoted(b, text);
        if (lastIn > ackedIn) {
            b.append(',').append(lastIn);
            ackedIn = lastIn;
        }
        sendText(b.append(']').toString()); // under the lock: frames leave in sequence order
    }

    @Override
    public CompletableFuture<Void> join() {
        send(JOIN);
        return joined;
    }
}
