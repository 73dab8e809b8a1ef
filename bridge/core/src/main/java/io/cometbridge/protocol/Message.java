package io.cometbridge.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * One application message, text or binary. Immutable.
 *
 * <p>Its JSON form (an escaped string, or {@code {"b64":...}}) is computed once and cached, so a
 * message broadcast to many sessions is serialized once: each session only adds its own
 * sequence-number prefix (see {@link FrameCodec#encodeData}).
 */
public final class Message {
    private final String text;
    private final byte[] bytes;
    private volatile String json; // racy single-check caches: computing one twice is harmless
    private volatile int wireSize = -1;

    private Message(String text, byte[] bytes) {
        this.text = text;
        this.bytes = bytes;
    }

    public static Message text(String text) {
        if (text == null) throw new NullPointerException("text");
        return new Message(text, null);
    }

    /** A binary message; the array is copied. */
    public static Message binary(byte[] data) {
        return new Message(null, data.clone());
    }

    /** A binary message that takes ownership of the array (no copy). */
    static Message wrapBinary(byte[] data) {
        return new Message(null, data);
    }

    public boolean isBinary() {
        return bytes != null;
    }

    /** The text; throws for a binary message. */
    public String text() {
        if (text == null) throw new IllegalStateException("binary message");
        return text;
    }

    /** A copy of the bytes; for a text message, its UTF-8 encoding. */
    public byte[] bytes() {
        return bytes != null ? bytes.clone() : text.getBytes(StandardCharsets.UTF_8);
    }

    byte[] rawBytes() {
        return bytes;
    }

    /** Payload size used for limits and statistics: UTF-16 length for text, byte count for binary. */
    public int size() {
        return bytes != null ? bytes.length : text.length();
    }

    /** The payload as a JSON value: a string for text, {@code {"b64":"..."}} for binary. */
    public String json() {
        String j = json;
        if (j == null) {
            j = bytes != null
                    ? "{\"b64\":\"" + Base64.getEncoder().encodeToString(bytes) + "\"}"
                    : Json.quote(text);
            json = j;
        }
        return j;
    }

    /**
     * Bytes of UTF-8 the payload takes in a JSON frame ({@link #json()}): what counts against a
     * polling request or response. Never more than 6 per UTF-16 unit of text (an escape such as
     * {@code \u0000}), or 4/3 per byte of binary plus 10.
     */
    public int wireSize() {
        int w = wireSize;
        if (w < 0) {
            w = utf8Length(json());
            wireSize = w;
        }
        return w;
    }

    /** The largest {@link #wireSize()} of a message of {@code size} (text units or bytes). */
    public static long maxWireSize(int size) {
        return Math.max(6L * size + 2, 4L * ((size + 2) / 3) + 10);
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m
                && (bytes != null ? Arrays.equals(bytes, m.bytes) : text.equals(m.text));
    }

    @Override
    public int hashCode() {
        return bytes != null ? Arrays.hashCode(bytes) : text.hashCode();
    }

    @Override
    public String toString() {
        return bytes != null ? "binary[" + bytes.length + "]"
                : "text[" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "]";
    }
}
