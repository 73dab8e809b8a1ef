package io.cometbridge.protocol;


import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes and decodes frames (docs/PROTOCOL.md section 1). Stateless and thread-safe.
 *
 * <p>Encoding is hand-written so a data frame costs one small string build around the message's
 * cached JSON. Decoding takes the {@link FastDecoder} path for plain data frames and acks, and
 * {@link FrameReader} (strict: any deviation from the documented shapes is a
 * {@link ErrorCode#MALFORMED} error, never anything else) for the rest.
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
        StringBuilder out = new StringBuilder(frame instanceof Frame.Open ? 128 : 64); // an open frame with two ids: ~110 chars
        encodeInto(out, frame);
        return out.toString();
    }

    /** A batch: a JSON array of frames. */
    public static String encodeBatch(List<? extends Frame> frames) {
        StringBuilder out = new StringBuilder(batchLength(frames));
        out.append('[');
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0) out.append(',');
            encodeInto(out, frames.get(i));
        }
        return out.append(']').toString();
    }

    /**
     * A batch as the UTF-8 bytes of {@link #encodeBatch}, built in one array of its exact size: each
     * data frame from its message's UTF-8 JSON (encoded once per message, a broadcast's shared by
     * every receiver), so a polling answer is not built as text, copied to a string and encoded again.
     */
    public static byte[] encodeBatchUtf8(List<? extends Frame> frames) {
        int n = frames.size();
        byte[][] others = null; // the few frames that are not data, encoded ahead to size the batch
        long length = 2 + Math.max(0, n - 1);
        for (int i = 0; i < n; i++) {
            if (frames.get(i) instanceof Frame.Data d) {
                length += dataLength(d.seq(), d.message().jsonUtf8().length, d.ack());
            } else {
                if (others == null) others = new byte[n][];
                others[i] = encode(frames.get(i)).getBytes(StandardCharsets.UTF_8);
                length += others[i].length;
            }
        }
        if (length > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("batch of " + length + " bytes");
        byte[] out = new byte[(int) length];
        out[0] = '[';
        int at = 1;
        for (int i = 0; i < n; i++) {
            if (i > 0) out[at++] = ',';
            if (frames.get(i) instanceof Frame.Data d) {
                at = putData(out, at, d.seq(), d.message().jsonUtf8(), d.ack());
            } else {
                System.arraycopy(others[i], 0, out, at, others[i].length);
                at += others[i].length;
            }
        }
        out[at] = ']';
        return out;
    }

    /** About the length of a batch's JSON, so its builder never grows: data frames by their messages' JSON. */
    private static int batchLength(List<? extends Frame> frames) {
        long length = 2;
        for (Frame f : frames) length += f instanceof Frame.Data d ? d.message().json().length() + 24 : 40;
        return (int) Math.min(length, Integer.MAX_VALUE - 8);
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
            out.append("{\"t\":\"attach\"");
            if (a.sid() != null) stringField(out, "sid", a.sid());
            if (a.key() != null) stringField(out, "key", a.key());
            out.append(",\"last\":").append(a.last());
            if (a.ws() != null) stringField(out, "ws", a.ws());
            if (a.auth() != null) stringField(out, "auth", a.auth());
            out.append('}');
        } else if (frame instanceof Frame.Open o) {
            Frame.Settings c = o.settings();
            out.append("{\"t\":\"open\"");
            stringField(out, "sid", o.sid());
            if (o.key() != null) stringField(out, "key", o.key());
            out.append(",\"ack\":").append(o.ack())
                    .append(",\"next\":").append(o.next())
                    .append(",\"resumed\":").append(o.resumed());
            // A setting a client would assume anyway (PROTOCOL.md 1.2) is left out: with the
            // defaults, an open frame is a third of its full size.
            Frame.Settings d = Frame.Settings.DEFAULTS;
            longField(out, "hb", c.heartbeatMillis(), d.heartbeatMillis());
            longField(out, "poll", c.pollMillis(), d.pollMillis());
            longField(out, "grace", c.graceMillis(), d.graceMillis());
            longField(out, "ackMs", c.ackMillis(), d.ackMillis());
            longField(out, "ackEvery", c.ackEvery(), d.ackEvery());
            longField(out, "maxMessage", c.maxMessageBytes(), d.maxMessageBytes());
            longField(out, "maxRequest", c.maxRequestBytes(), d.maxRequestBytes());
            longField(out, "maxFrames", c.maxBatchFrames(), d.maxBatchFrames());
            if (o.cohort() != null) stringField(out, "cohort", o.cohort());
            out.append('}');
        } else if (frame instanceof Frame.Close c) {
            out.append("{\"t\":\"close\",\"code\":").append(c.code());
            stringField(out, "reason", c.reason()).append('}');
        } else if (frame instanceof Frame.Error e) {
            out.append("{\"t\":\"error\"");
            stringField(stringField(out, "error", e.error()), "message", e.message()).append('}');
        } else if (frame instanceof Frame.Unknown u) {
            out.append("{\"t\":");
            Json.quoteInto(out, u.type());
            out.append('}');
        } else if (frame instanceof Frame.Notice n) {
            out.append("{\"t\":\"notice\"");
            stringField(stringField(out, "kind", n.kind()), "reason", n.reason()).append('}');
        } else {
            throw new IllegalArgumentException("unknown frame " + frame);
        }
    }

    /** Appends {@code ,"name":value} unless the value is the one a missing field means. */
    private static void longField(StringBuilder out, String name, long value, long meantWhenMissing) {
        if (value != meantWhenMissing) out.append(",\"").append(name).append("\":").append(value);
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

    /**
     * A text data frame as UTF-8 bytes, the same as {@link #encode} gives: the message's UTF-8 JSON
     * (encoded once per message) copied once behind this session's sequence number.
     */
    public static ByteBuffer encodeDataUtf8(long seq, Message message, long ack) {
        byte[] json = message.jsonUtf8();
        byte[] out = new byte[dataLength(seq, json.length, ack)];
        putData(out, 0, seq, json, ack);
        return ByteBuffer.wrap(out);
    }

    /** Bytes of {@code [seq,json]} or {@code [seq,json,ack]}. */
    private static int dataLength(long seq, int jsonLength, long ack) {
        return 1 + digits(seq) + 1 + jsonLength + (ack >= 0 ? 1 + digits(ack) : 0) + 1;
    }

    /** Writes {@code [seq,json]} or {@code [seq,json,ack]} at {@code at}; returns the index after it. */
    private static int putData(byte[] out, int at, long seq, byte[] json, long ack) {
        out[at++] = '[';
        at = putDigits(out, at, seq, digits(seq));
        out[at++] = ',';
        System.arraycopy(json, 0, out, at, json.length);
        at += json.length;
        if (ack >= 0) {
            out[at++] = ',';
            at = putDigits(out, at, ack, digits(ack));
        }
        out[at++] = ']';
        return at;
    }

    /** Decimal digits of {@code n} (not negative), by multiplying rather than dividing. */
    private static int digits(long n) {
        long power = 10;
        for (int d = 1; d < 19; d++, power *= 10) {
            if (n < power) return d;
        }
        return 19;
    }

    /** Writes the {@code digits} decimal digits of {@code n} at {@code at}; returns the index after them. */
    private static int putDigits(byte[] out, int at, long n, int digits) {
        int end = at + digits;
        for (int i = end - 1; i >= at; i--) {
            out[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        return end;
    }

    /** A WebSocket binary data frame: 0x01, seq (8 bytes big-endian), the bytes. */
    public static ByteBuffer encodeBinary(long seq, Message message) {
        byte[] data = message.rawBytes();
        ByteBuffer buf = ByteBuffer.allocate(BINARY_HEADER + data.length);
        buf.put(BINARY_DATA).putLong(seq).put(data).flip();
        return buf;
    }

    // ---------------------------------------------------------------- decoding

    /** One frame from a client (strict: an unknown frame type is malformed). */
    public static Frame decode(String json) {
        Frame fast = FastDecoder.frame(json);
        return fast != null ? fast : FrameReader.frame(json, false);
    }

    /** One frame from the server, as a client reads it: a control frame of an unknown type is {@link Frame.Unknown}. */
    public static Frame decodeTolerant(String json) {
        Frame fast = FastDecoder.frame(json);
        return fast != null ? fast : FrameReader.frame(json, true);
    }

    /** A batch from a client (strict). */
    public static List<Frame> decodeBatch(String json) {
        List<Frame> fast = FastDecoder.batch(json);
        return fast != null ? fast : FrameReader.batch(json, false);
    }

    /** A batch from the server, as a client reads it (unknown control frames become {@link Frame.Unknown}). */
    public static List<Frame> decodeBatchTolerant(String json) {
        List<Frame> fast = FastDecoder.batch(json);
        return fast != null ? fast : FrameReader.batch(json, true);
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
}
