package io.cometbridge.protocol;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The general frame decoder (docs/PROTOCOL.md section 1), on gson's strict streaming reader: any
 * deviation from the documented shapes is a {@link ErrorCode#MALFORMED} error, never anything
 * else. Unknown fields are skipped. An unknown control frame type is malformed from a client and,
 * read {@code tolerant}ly (a client reading a newer server), a {@link Frame.Unknown}. Numbers are
 * integers from 0 to 2^53 - 1, the range every JSON implementation (JavaScript's included) keeps exact.
 */
final class FrameReader {
    static final long MAX_NUMBER = (1L << 53) - 1;

    private final JsonReader in;
    private final boolean tolerant;

    private FrameReader(String json, boolean tolerant) {
        this.in = new JsonReader(new StringReader(json));
        this.in.setStrictness(Strictness.STRICT);
        this.tolerant = tolerant;
    }

    static Frame frame(String json, boolean tolerant) {
        FrameReader r = new FrameReader(json, tolerant);
        try {
            Frame f = r.readFrame();
            r.expectEnd();
            return f;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw malformed(e);
        }
    }

    static List<Frame> batch(String json, boolean tolerant) {
        FrameReader r = new FrameReader(json, tolerant);
        try {
            if (r.in.peek() != JsonToken.BEGIN_ARRAY) throw new BridgeException(ErrorCode.MALFORMED, "a batch must be a JSON array of frames");
            r.in.beginArray();
            List<Frame> frames = new ArrayList<>();
            while (r.in.hasNext()) frames.add(r.readFrame());
            r.in.endArray();
            r.expectEnd();
            return frames;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw malformed(e);
        }
    }

    private void expectEnd() throws IOException {
        if (in.peek() != JsonToken.END_DOCUMENT) throw new BridgeException(ErrorCode.MALFORMED, "trailing data after the frame");
    }

    private static BridgeException malformed(Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (why.length() > 200) why = why.substring(0, 200);
        return new BridgeException(ErrorCode.MALFORMED, "malformed frame: " + why);
    }

    private Frame readFrame() throws IOException {
        return switch (in.peek()) {
            case BEGIN_ARRAY -> readData();
            case BEGIN_OBJECT -> readControl();
            default -> throw new BridgeException(ErrorCode.MALFORMED, "a frame is a JSON array (data) or object (control)");
        };
    }

    private Frame.Data readData() throws IOException {
        in.beginArray();
        long seq = readLong("seq");
        if (seq < 1) throw new BridgeException(ErrorCode.MALFORMED, "sequence numbers start at 1");
        Message message = switch (in.peek()) {
            case STRING -> Message.text(in.nextString());
            case BEGIN_OBJECT -> readBinaryPayload();
            default -> throw new BridgeException(ErrorCode.MALFORMED, "payload must be a string or {\"b64\":...}");
        };
        long ack = in.hasNext() ? readLong("ack") : -1;
        if (in.hasNext()) throw new BridgeException(ErrorCode.MALFORMED, "a data frame has at most 3 elements");
        in.endArray();
        return new Frame.Data(seq, message, ack);
    }

    private Message readBinaryPayload() throws IOException {
        in.beginObject();
        byte[] data = null;
        while (in.hasNext()) {
            String name = in.nextName();
            if (name.equals("b64") && in.peek() == JsonToken.STRING) {
                try {
                    data = Base64.getDecoder().decode(in.nextString());
                } catch (IllegalArgumentException e) {
                    throw new BridgeException(ErrorCode.MALFORMED, "b64 is not valid base64");
                }
            } else {
                in.skipValue();
            }
        }
        in.endObject();
        if (data == null) throw new BridgeException(ErrorCode.MALFORMED, "binary payload needs a b64 string");
        return Message.wrapBinary(data);
    }

    /** A control object: its fields by name (strings, numbers, booleans; others skipped), then its type. */
    private Frame readControl() throws IOException {
        in.beginObject();
        Map<String, Object> f = new HashMap<>(8);
        while (in.hasNext()) {
            String name = in.nextName();
            switch (in.peek()) {
                case STRING -> f.put(name, in.nextString());
                case NUMBER -> f.put(name, number(name));
                case BOOLEAN -> f.put(name, in.nextBoolean());
                case NULL -> in.nextNull();
                default -> {
                    in.skipValue();
                    f.put(name, SKIPPED);
                }
            }
        }
        in.endObject();
        Object t = f.get("t");
        if (!(t instanceof String type)) throw new BridgeException(ErrorCode.MALFORMED, "control frame without a string \"t\"");
        ControlFields c = new ControlFields(f);
        return switch (type) {
            case "attach" -> new Frame.Attach(c.optString("sid"), c.optString("key"), c.optLong("last", 0), c.optString("ws"),
                    c.optString("auth"));
            case "ack" -> new Frame.Ack(c.requireLong("a"));
            case "ping" -> new Frame.Ping(c.optLong("ts", 0));
            case "pong" -> new Frame.Pong(c.optLong("ts", 0));
            case "probe" -> new Frame.Probe();
            case "close" -> new Frame.Close((int) Math.min(4999, c.optLong("code", 1000)), c.optString("reason", ""));
            case "open" -> readOpen(c);
            case "error" -> new Frame.Error(c.requireString("error"), c.optString("message", ""));
            case "notice" -> new Frame.Notice(c.requireString("kind"), c.optString("reason", ""));
            default -> {
                if (tolerant) yield new Frame.Unknown(type);
                throw new BridgeException(ErrorCode.MALFORMED, "unknown frame type " + Json.quote(type.length() > 40 ? type.substring(0, 40) : type));
            }
        };
    }

    private static Frame.Open readOpen(ControlFields c) {
        Frame.Settings d = Frame.Settings.DEFAULTS;
        // Every setting may be missing: it then means the version 1 default (PROTOCOL.md 1.2), as in the browser client.
        Frame.Settings settings = new Frame.Settings(c.optLong("hb", d.heartbeatMillis()), c.optLong("poll", d.pollMillis()),
                c.optLong("grace", d.graceMillis()),
                c.optLong("ackMs", d.ackMillis()), (int) Math.max(1, Math.min(1 << 20, c.optLong("ackEvery", d.ackEvery()))),
                c.optInt("maxMessage", d.maxMessageBytes()), c.optInt("maxRequest", d.maxRequestBytes()),
                c.optInt("maxFrames", d.maxBatchFrames()));
        return new Frame.Open(c.requireString("sid"), c.optString("key"), c.requireLong("ack"), c.optLong("next", 0),
                c.optBoolean("resumed"), settings, c.optString("cohort"));
    }

    /** A JSON number of a control frame: an integer from 0 to 2^53 - 1. */
    private Long number(String name) throws IOException {
        String raw = in.nextString();
        long v;
        try {
            v = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new BridgeException(ErrorCode.MALFORMED, name + " must be an integer from 0 to 2^53 - 1");
        }
        if (v < 0 || v > MAX_NUMBER) throw new BridgeException(ErrorCode.MALFORMED, name + " must be an integer from 0 to 2^53 - 1");
        return v;
    }

    private long readLong(String name) throws IOException {
        if (in.peek() != JsonToken.NUMBER) throw new BridgeException(ErrorCode.MALFORMED, name + " must be a number");
        return number(name);
    }

    private static final Object SKIPPED = new Object();

    /** Typed access to a control frame's fields; a field of the wrong type is malformed. */
    private record ControlFields(Map<String, Object> fields) {
        String optString(String name) {
            return optString(name, null);
        }

        String optString(String name, String absent) {
            Object v = fields.get(name);
            if (v == null) return absent;
            if (!(v instanceof String s)) throw new BridgeException(ErrorCode.MALFORMED, name + " must be a string");
            return s;
        }

        String requireString(String name) {
            String s = optString(name);
            if (s == null) throw new BridgeException(ErrorCode.MALFORMED, "missing " + name);
            return s;
        }

        long optLong(String name, long absent) {
            Object v = fields.get(name);
            if (v == null) return absent;
            if (!(v instanceof Long l)) throw new BridgeException(ErrorCode.MALFORMED, name + " must be a number");
            return l;
        }

        int optInt(String name, int absent) {
            return (int) Math.min(Integer.MAX_VALUE, optLong(name, absent));
        }

        long requireLong(String name) {
            if (fields.get(name) == null) throw new BridgeException(ErrorCode.MALFORMED, "missing " + name);
            return optLong(name, 0);
        }

        boolean optBoolean(String name) {
            Object v = fields.get(name);
            if (v == null) return false;
            if (!(v instanceof Boolean b)) throw new BridgeException(ErrorCode.MALFORMED, name + " must be a boolean");
            return b;
        }
    }
}
