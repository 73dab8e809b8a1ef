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
    private volatile String json; // racy single-check cache: computing it twice is harmless

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
