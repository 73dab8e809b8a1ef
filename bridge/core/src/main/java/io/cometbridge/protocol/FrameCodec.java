package io.cometbridge.protocol;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Encodes and decodes frames (docs/PROTOCOL.md section 1). Stateless and thread-safe.
 *
 * <p>Encoding is hand-written so a data frame costs one small string build around the message's
 * cached JSON. Decoding uses gson's strict streaming reader: any deviation from the documented
 * shapes is a {@link ErrorCode#MALFORMED} error, never anything else.
 */
public final class FrameCodec {
    /** First byte of a binary data frame on WebSocket. */
    public static final byte BINARY_DATA = 0x01;
    public static final int BINARY_HEADER = 9;

    private FrameCodec() {
    }

    // ---------------------------------------------------------------- encoding

    public static String encode(Frame frame) {
        if (frame instanceof Frame.Data d) { // the common case, built at its exact size in one allocation
            String json = d.message().json();
            return d.ack() >= 0 ? "[" + d.seq() + "," + json + "," + d.ack() + "]" : "[" + d.seq() + "," + json + "]";
        }
        StringBuilder out = new StringBuilder(64);
        encodeInto(out, frame);
        return out.toString();
    }

    /** A batch: a JSON array of frames. */
    public static String encodeBatch(List<? extends Frame> frames) {
        StringBuilder out = new StringBuilder(32 * frames.size() + 2);
        out.append('[');
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0) out.append(',');
            encodeInto(out, frames.get(i));
        }
        return out.append(']').toString();
    }

    public static void encodeInto(StringBuilder out, Frame frame) {
        // Java 17: no pattern switch yet, so an instanceof chain ordered by frequency.
        if (frame instanceof Frame.Data d) {
            encodeData(out, d.seq(), d.message(), d.ack());
        } else if (frame instanceof Frame.Ack a) {
            out.append("{\"t\":\"ack\",\"a\":").append(a.ack()).append('}');
        } else if (frame instanceof Frame.Ping p) {
            out.append("{\"t\":\"ping\",\"ts\":").append(p.ts()).append('}');
        } else if (frame instanceof Frame.Pong p) {
            out.append("{\"t\":\"pong\",\"ts\":").append(p.ts()).append('}');
        } else if (frame instanceof Frame.Probe) {
            out.append("{\"t\":\"probe\"}");
        } else if (frame instanceof Frame.Attach a) {
            out.append("{\"t\":\"attach\",");
            if (a.sid() != null) {
                out.append("\"sid\":");
                Json.quoteInto(out, a.sid());
                out.append(',');
            }
            out.append("\"last\":").append(a.last());
            if (a.ws() != null) {
                out.append(",\"ws\":");
                Json.quoteInto(out, a.ws());
            }
            out.append('}');
        } else if (frame instanceof Frame.Open o) {
            out.append("{\"t\":\"open\",\"sid\":");
            Json.quoteInto(out, o.sid());
            out.append(",\"ack\":").append(o.ack())
                    .append(",\"next\":").append(o.next())
                    .append(",\"resumed\":").append(o.resumed())
                    .append(",\"hb\":").append(o.heartbeatMillis())
                    .append(",\"poll\":").append(o.pollMillis())
                    .append(",\"grace\":").append(o.graceMillis())
                    .append(",\"ackMs\":").append(o.ackMillis())
                    .append(",\"ackEvery\":").append(o.ackEvery()).append('}');
        } else if (frame instanceof Frame.Close c) {
            out.append("{\"t\":\"close\",\"code\":").append(c.code());
            stringField(out, "reason", c.reason()).append('}');
        } else if (frame instanceof Frame.Error e) {
            out.append("{\"t\":\"error\"");
            stringField(stringField(out, "error", e.error()), "message", e.message()).append('}');
        } else if (frame instanceof Frame.Notice n) {
            out.append("{\"t\":\"notice\"");
            stringField(stringField(out, "kind", n.kind()), "reason", n.reason()).append('}');
        } else {
            throw new IllegalArgumentException("unknown frame " + frame);
        }
    }

    /** Appends {@code ,"name":"value"} with the value escaped. */
    private static StringBuilder stringField(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        Json.quoteInto(out, value);
        return out;
    }

    /** {@code [seq,payload]} or {@code [seq,payload,ack]}; the payload JSON is the message's cached form. */
    public static void encodeData(StringBuilder out, long seq, Message message, long ack) {
        out.append('[').append(seq).append(',').append(message.json());
        if (ack >= 0) out.append(',').append(ack);
        out.append(']');
    }

    /** A WebSocket binary data frame: 0x01, seq (8 bytes big-endian), the bytes. */
    public static ByteBuffer encodeBinary(long seq, Message message) {
        byte[] data = message.rawBytes();
        ByteBuffer buf = ByteBuffer.allocate(BINARY_HEADER + data.length);
        buf.put(BINARY_DATA).putLong(seq).put(data).flip();
        return buf;
    }

    // ---------------------------------------------------------------- decoding

    public static Frame decode(String json) {
        Frame fast = FastDecoder.frame(json);
        return fast != null ? fast : decodeStrict(json);
    }

    /** The general strict decoder (the fast path's reference). */
    static Frame decodeStrict(String json) {
        try (JsonReader in = reader(json)) {
            Frame f = readFrame(in);
            expectEnd(in);
            return f;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw malformed(e);
        }
    }

    public static List<Frame> decodeBatch(String json) {
        List<Frame> fast = FastDecoder.batch(json);
        return fast != null ? fast : decodeBatchStrict(json);
    }

    static List<Frame> decodeBatchStrict(String json) {
        try (JsonReader in = reader(json)) {
            if (in.peek() != JsonToken.BEGIN_ARRAY) throw new BridgeException(ErrorCode.MALFORMED, "a batch must be a JSON array of frames");
            in.beginArray();
            List<Frame> frames = new ArrayList<>();
            while (in.hasNext()) frames.add(readFrame(in));
            in.endArray();
            expectEnd(in);
            return frames;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw malformed(e);
        }
    }

    public static Frame.Data decodeBinary(ByteBuffer buf) {
        if (buf.remaining() < BINARY_HEADER) {
            throw new BridgeException(ErrorCode.MALFORMED, "binary frame shorter than its 9-byte header");
        }
        byte kind = buf.get();
        if (kind != BINARY_DATA) throw new BridgeException(ErrorCode.MALFORMED, "unknown binary frame type " + kind);
        long seq = buf.getLong();
        if (seq < 1) throw new BridgeException(ErrorCode.MALFORMED, "sequence numbers start at 1");
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        return new Frame.Data(seq, Message.wrapBinary(data));
    }

    private static JsonReader reader(String json) {
        JsonReader in = new JsonReader(new StringReader(json));
        in.setStrictness(Strictness.STRICT);
        return in;
    }

    private static void expectEnd(JsonReader in) throws IOException {
        if (in.peek() != JsonToken.END_DOCUMENT) throw new BridgeException(ErrorCode.MALFORMED, "trailing data after the frame");
    }

    private static BridgeException malformed(Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (why.length() > 200) why = why.substring(0, 200);
        return new BridgeException(ErrorCode.MALFORMED, "malformed frame: " + why);
    }

    private static Frame readFrame(JsonReader in) throws IOException {
        return switch (in.peek()) {
            case BEGIN_ARRAY -> readData(in);
            case BEGIN_OBJECT -> readControl(in);
            default -> throw new BridgeException(ErrorCode.MALFORMED, "a frame is a JSON array (data) or object (control)");
        };
    }

    private static Frame.Data readData(JsonReader in) throws IOException {
        in.beginArray();
        long seq = readLong(in, "seq");
        if (seq < 1) throw new BridgeException(ErrorCode.MALFORMED, "sequence numbers start at 1");
        Message message = switch (in.peek()) {
            case STRING -> Message.text(in.nextString());
            case BEGIN_OBJECT -> readBinaryPayload(in);
            default -> throw new BridgeException(ErrorCode.MALFORMED, "payload must be a string or {\"b64\":...}");
        };
        long ack = -1;
        if (in.hasNext()) {
            ack = readLong(in, "ack");
            if (ack < 0) throw new BridgeException(ErrorCode.MALFORMED, "ack must not be negative");
        }
        if (in.hasNext()) throw new BridgeException(ErrorCode.MALFORMED, "a data frame has at most 3 elements");
        in.endArray();
        return new Frame.Data(seq, message, ack);
    }

    private static Message readBinaryPayload(JsonReader in) throws IOException {
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

    /** Reads a control object; unknown fields are skipped, missing required ones are malformed. */
    private static Frame readControl(JsonReader in) throws IOException {
        in.beginObject();
        String type = null, sid = null, reason = null, error = null, message = null, ws = null, kind = null;
        Long last = null, ack = null, a = null, ts = null, code = null, hb = null, poll = null, grace = null;
        Long ackMs = null, ackEvery = null, next = null;
        Boolean resumed = null;
        while (in.hasNext()) {
            String name = in.nextName();
            switch (name) {
                case "t" -> type = readString(in, name);
                case "sid" -> sid = in.peek() == JsonToken.NULL ? nullValue(in) : readString(in, name);
                case "reason" -> reason = readString(in, name);
                case "error" -> error = readString(in, name);
                case "message" -> message = readString(in, name);
                case "ws" -> ws = readString(in, name);
                case "kind" -> kind = readString(in, name);
                case "last" -> last = readLong(in, name);
                case "ack" -> ack = readLong(in, name);
                case "a" -> a = readLong(in, name);
                case "ts" -> ts = readLong(in, name);
                case "code" -> code = readLong(in, name);
                case "hb" -> hb = readLong(in, name);
                case "poll" -> poll = readLong(in, name);
                case "grace" -> grace = readLong(in, name);
                case "ackMs" -> ackMs = readLong(in, name);
                case "next" -> next = readLong(in, name);
                case "ackEvery" -> ackEvery = readLong(in, name);
                case "resumed" -> {
                    if (in.peek() != JsonToken.BOOLEAN) throw new BridgeException(ErrorCode.MALFORMED, "resumed must be a boolean");
                    resumed = in.nextBoolean();
                }
                default -> in.skipValue();
            }
        }
        in.endObject();
        if (type == null) throw new BridgeException(ErrorCode.MALFORMED, "control frame without \"t\"");
        return switch (type) {
            case "attach" -> new Frame.Attach(sid, nonNegative(last == null ? 0 : last, "last"), ws);
            case "ack" -> new Frame.Ack(nonNegative(require(a, "a"), "a"));
            case "ping" -> new Frame.Ping(ts == null ? 0 : ts);
            case "pong" -> new Frame.Pong(ts == null ? 0 : ts);
            case "probe" -> new Frame.Probe();
            case "close" -> new Frame.Close(code == null ? 1000 : (int) Math.max(0, Math.min(4999, code)),
                    reason == null ? "" : reason);
            case "open" -> new Frame.Open(requireString(sid, "sid"), require(ack, "ack"),
                    next == null ? 0 : nonNegative(next, "next"), resumed != null && resumed,
                    require(hb, "hb"), require(poll, "poll"), require(grace, "grace"),
                    ackMs == null ? Frame.Open.DEFAULT_ACK_MILLIS : nonNegative(ackMs, "ackMs"),
                    ackEvery == null ? Frame.Open.DEFAULT_ACK_EVERY : (int) Math.max(1, Math.min(1 << 20, ackEvery)));
            case "error" -> new Frame.Error(requireString(error, "error"), message == null ? "" : message);
            case "notice" -> new Frame.Notice(requireString(kind, "kind"), reason == null ? "" : reason);
            default -> throw new BridgeException(ErrorCode.MALFORMED, "unknown frame type " + Json.quote(type));
        };
    }

    private static String nullValue(JsonReader in) throws IOException {
        in.nextNull();
        return null;
    }

    private static String readString(JsonReader in, String name) throws IOException {
        if (in.peek() != JsonToken.STRING) throw new BridgeException(ErrorCode.MALFORMED, name + " must be a string");
        return in.nextString();
    }

    private static long readLong(JsonReader in, String name) throws IOException {
        if (in.peek() != JsonToken.NUMBER) throw new BridgeException(ErrorCode.MALFORMED, name + " must be a number");
        String raw = in.nextString();
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new BridgeException(ErrorCode.MALFORMED, name + " must be an integer in range");
        }
    }

    private static long require(Long value, String name) {
        if (value == null) throw new BridgeException(ErrorCode.MALFORMED, "missing " + name);
        return value;
    }

    private static String requireString(String value, String name) {
        if (value == null) throw new BridgeException(ErrorCode.MALFORMED, "missing " + name);
        return value;
    }

    private static long nonNegative(long value, String name) {
        if (value < 0) throw new BridgeException(ErrorCode.MALFORMED, name + " must not be negative");
        return value;
    }
}
