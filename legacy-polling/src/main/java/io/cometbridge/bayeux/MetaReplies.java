package io.cometbridge.bayeux;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.CloseCode;
import io.cometbridge.protocol.Frame;

/**
 * The server's answers to meta messages: {@code successful}, the {@code advice} that keeps clients
 * polling below proxy idle cuts ({@code timeout} = the bridge's poll timeout, {@code interval} 0,
 * {@code maxInterval} = the grace period), and the {@code ext} of the ack and timesync extensions.
 */
final class MetaReplies {
    static final String HANDSHAKE = "/meta/handshake";
    static final String CONNECT = "/meta/connect";
    private static final JsonArray CONNECTION_TYPES = new JsonArray();

    static {
        CONNECTION_TYPES.add("websocket");
        CONNECTION_TYPES.add("long-polling");
    }

    private final long timeoutMillis;
    private final long maxIntervalMillis;

    MetaReplies(long timeoutMillis, long maxIntervalMillis) {
        this.timeoutMillis = timeoutMillis;
        this.maxIntervalMillis = maxIntervalMillis;
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    static JsonArray connectionTypes() {
        return CONNECTION_TYPES.deepCopy();
    }

    JsonObject handshake(JsonObject request, String clientId, boolean ack) {
        JsonObject r = ok(request, HANDSHAKE);
        r.addProperty("version", "1.0");
        r.addProperty("minimumVersion", "1.0");
        r.add("supportedConnectionTypes", connectionTypes());
        r.addProperty("clientId", clientId);
        r.add("advice", advice("retry"));
        if (ack) ext(r).addProperty("ack", true);
        timesync(r, Timesync.of(request));
        return r;
    }

    /** A connect answered normally; {@code ackId} is the batch it closes (ack extension), or -1. */
    JsonObject connected(HeldConnect hc, long ackId) {
        JsonObject r = ok(hc.request, CONNECT);
        r.add("advice", advice("retry"));
        if (ackId >= 0) ext(r).addProperty("ack", ackId);
        timesync(r, hc.timesync);
        return r;
    }

    /**
     * The session ended while (or before) this connect waited: the close frame as a failed connect.
     * An application's own close (4000-4999) says {@code reconnect: none}; everything else (server
     * shutdown, a client too slow, grace expired) lets the client handshake again.
     */
    JsonObject closed(HeldConnect hc, Frame.Close close) {
        boolean byApplication = close.code() >= CloseCode.APPLICATION_MIN && close.code() <= CloseCode.APPLICATION_MAX
                && close.code() != CloseCode.SHUTDOWN.code() && close.code() != CloseCode.QUEUE_FULL.code()
                && close.code() != CloseCode.GRACE_EXPIRED.code() && close.code() != CloseCode.PROTOCOL_ERROR.code();
        return failed(hc, 402, "session closed: " + close.code() + " " + close.reason(), byApplication ? "none" : "handshake");
    }

    JsonObject failed(HeldConnect hc, BridgeException e) {
        return failed(hc, BayeuxJson.codeOf(e), e.getMessage(), "handshake");
    }

    JsonObject failed(HeldConnect hc, int code, String text, String reconnect) {
        JsonObject r = BayeuxJson.error(hc.request, CONNECT, code, text, reconnect);
        timesync(r, hc.timesync);
        return r;
    }

    static JsonObject ok(JsonObject request, String channel) {
        JsonObject r = BayeuxJson.reply(request, channel);
        r.addProperty("successful", true);
        return r;
    }

    private JsonObject advice(String reconnect) {
        JsonObject a = new JsonObject();
        a.addProperty("reconnect", reconnect);
        a.addProperty("interval", 0);
        a.addProperty("timeout", timeoutMillis);
        a.addProperty("maxInterval", maxIntervalMillis);
        return a;
    }

    /** Adds the timesync answer to a meta reply whose request carried a sample. */
    static void timesync(JsonObject reply, Timesync sample) {
        if (sample != null) ext(reply).add("timesync", sample.reply());
    }

    private static JsonObject ext(JsonObject r) {
        JsonObject ext = BayeuxJson.object(r, "ext");
        if (ext == null) {
            ext = new JsonObject();
            r.add("ext", ext);
        }
        return ext;
    }
}
