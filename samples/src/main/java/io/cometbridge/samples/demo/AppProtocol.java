package io.cometbridge.samples.demo;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.cometbridge.protocol.Message;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;

/**
 * The demo apps' JSON protocol (see README): what the browser sends ({@code {"op":...}}) and what
 * the server sends back ({@code {"type":...}}). Parsing is strict: anything that is not one JSON
 * object with the right fields is an {@link Invalid} with a message for the sender.
 */
final class AppProtocol {
    private static final Gson GSON = new Gson();

    private AppProtocol() {
    }

    /** A message the demo cannot take; its text goes back to the sender in an error message. */
    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** The JSON object a client message carries. */
    static JsonObject parse(Message message) {
        if (message.isBinary()) throw new Invalid("send JSON text, not binary");
        try {
            JsonReader reader = new JsonReader(new StringReader(message.text()));
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = GSON.getAdapter(JsonElement.class).read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) throw new Invalid("one JSON object per message");
            if (!element.isJsonObject()) throw new Invalid("expected a JSON object like {\"op\":\"join\",\"room\":\"chat\"}");
            return element.getAsJsonObject();
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new Invalid("not JSON: " + e.getMessage());
        }
    }

    /** A required string field, trimmed, 1..maxLength characters. */
    static String string(JsonObject o, String field, int maxLength) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new Invalid("\"" + field + "\" must be a string");
        }
        String s = e.getAsString().strip();
        if (s.isEmpty()) throw new Invalid("\"" + field + "\" must not be empty");
        if (s.length() > maxLength) throw new Invalid("\"" + field + "\" is longer than " + maxLength + " characters");
        return s;
    }

    /** An optional string field (null when absent). */
    static String optionalString(JsonObject o, String field, int maxLength) {
        return o.has(field) && !o.get(field).isJsonNull() ? string(o, field, maxLength) : null;
    }

    static Message chat(String name, String text, long ts) {
        JsonObject o = type("chat");
        o.addProperty("name", name);
        o.addProperty("text", text);
        o.addProperty("ts", ts);
        return Message.text(o.toString());
    }

    static Message system(String text) {
        JsonObject o = type("system");
        o.addProperty("text", text);
        return Message.text(o.toString());
    }

    static Message tick(String symbol, long priceCents, long ts) {
        JsonObject o = type("tick");
        o.addProperty("symbol", symbol);
        o.addProperty("price", BigDecimal.valueOf(priceCents, 2));
        o.addProperty("ts", ts);
        return Message.text(o.toString());
    }

    static Message error(String text) {
        JsonObject o = type("error");
        o.addProperty("text", text);
        return Message.text(o.toString());
    }

    private static JsonObject type(String type) {
        JsonObject o = new JsonObject();
        o.addProperty("type", type);
        return o;
    }
}
