package io.cometbridge.bayeux;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Json;
import io.cometbridge.protocol.Message;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/** Bayeux JSON in and out: batches, field access, and a bridge message as a Bayeux delivery. */
final class BayeuxJson {
    private BayeuxJson() {
    }

    /**
     * A request body or WebSocket text: a JSON array of message objects (or one object). Anything
     * else is {@code malformed}; more than {@code maxMessages} messages is {@code too_large}.
     */
    static List<JsonObject> parseBatch(String text, int maxMessages) {
        JsonElement root = parse(text);
        if (root == null) throw new BridgeException(ErrorCode.MALFORMED, "not JSON");
        JsonArray array;
        if (root.isJsonObject()) {
            array = new JsonArray();
            array.add(root);
        } else if (root.isJsonArray()) {
            array = root.getAsJsonArray();
        } else {
            throw new BridgeException(ErrorCode.MALFORMED, "a Bayeux batch is an array of message objects");
        }
        if (array.isEmpty()) throw new BridgeException(ErrorCode.MALFORMED, "empty batch");
        if (array.size() > maxMessages) {
            throw new BridgeException(ErrorCode.TOO_LARGE, "more than " + maxMessages + " messages in one batch");
        }
        List<JsonObject> out = new ArrayList<>(array.size());
        for (JsonElement e : array) {
            if (!e.isJsonObject()) throw new BridgeException(ErrorCode.MALFORMED, "a Bayeux message is a JSON object");
            out.add(e.getAsJsonObject());
        }
        return out;
    }

    /** One strict JSON value and nothing after it, or null. */
    static JsonElement parse(String text) {
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(reader); // keeps the reader's STRICT setting
            return reader.peek() == JsonToken.END_DOCUMENT ? e : null;
        } catch (IOException | JsonParseException | IllegalStateException | StackOverflowError e) {
            return null;
        }
    }

    /** A string field, or null when absent or not a string. */
    static String string(JsonObject o, String field) {
        JsonElement e = o == null ? null : o.get(field);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    static JsonObject object(JsonObject o, String field) {
        JsonElement e = o == null ? null : o.get(field);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    /** A whole number field, or {@code otherwise}. */
    static long number(JsonObject o, String field, long otherwise) {
        JsonElement e = o == null ? null : o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) return otherwise;
        double d = e.getAsDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) d : otherwise;
    }

    /**
     * A bridge message as a Bayeux delivery: {@code {"channel":C,"data":D}}. {@code D} is the text
     * itself when it is one JSON value (what a Bayeux publish or a JSON-speaking app sends), else
     * the text as a JSON string; a binary message is {@code {"b64":...}}. {@code C} is the
     * message's topic as a channel, or {@code directChannel} for a message sent to one session.
     */
    static String delivery(Message m, String directChannel) {
        String channel = m.topic() == null ? directChannel : ChannelName.channel(m.topic());
        String data = m.isBinary() ? m.json() : parse(m.text()) != null ? m.text() : Json.quote(m.text());
        return "{\"channel\":" + Json.quote(channel) + ",\"data\":" + data + "}";
    }

    /** A reply to {@code request}: its id (when it had one) and channel. */
    static JsonObject reply(JsonObject request, String channel) {
        JsonObject r = new JsonObject();
        JsonElement id = request == null ? null : request.get("id");
        if (id != null && id.isJsonPrimitive()) r.add("id", id);
        r.addProperty("channel", channel);
        return r;
    }

    /** {@code successful:false} with a Bayeux error string {@code "code::text"} and, if given, reconnect advice. */
    static JsonObject error(JsonObject request, String channel, int code, String text, String reconnect) {
        JsonObject r = reply(request, channel == null ? "/meta/unknown" : channel);
        r.addProperty("successful", false);
        r.addProperty("error", code + "::" + text);
        if (reconnect != null) {
            JsonObject advice = new JsonObject();
            advice.addProperty("reconnect", reconnect);
            advice.addProperty("interval", 0);
            r.add("advice", advice);
        }
        return r;
    }

    /** The Bayeux error code of a documented bridge error: its HTTP status, 402 for an unknown session. */
    static int codeOf(BridgeException e) {
        return e.code() == ErrorCode.UNKNOWN_SESSION ? 402 : e.code().httpStatus();
    }

    /** A whole answer that is one error: {@code [{"successful":false,"error":...}]}. */
    static String errorBatch(BridgeException e) {
        JsonArray a = new JsonArray();
        a.add(error(null, null, codeOf(e), e.getMessage(), null));
        return a.toString();
    }

    static JsonPrimitive str(String s) {
        return new JsonPrimitive(s);
    }
}
