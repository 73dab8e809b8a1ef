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
 *
 * <p>A message may name a {@link #topic()}: the room it was broadcast to, or the Bayeux channel it
 * was published on (without the leading slash). It is metadata for the server side only (the
 * application and transports that address by name, like the Bayeux endpoint); the bridge's own
 * wire frames never carry it, and equality ignores it.
 */
public final class Message {
    private final String text;
    private final byte[] bytes;
    private final String topic;
    private volatile String json; // racy single-check caches: computing one twice is harmless
    private volatile byte[] jsonUtf8;
    private volatile int wireSize = -1;

    private Message(String text, byte[] bytes) {
        this(text, bytes, null, null);
    }

    private Message(String text, byte[] bytes, String topic, String json) {
        this.text = text;
        this.bytes = bytes;
        this.topic = topic;
        this.json = json;
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

    /** The room or channel this message was addressed to (e.g. {@code chat/demo}), or null. */
    public String topic() {
        return topic;
    }

    /**
     * The same payload addressed to {@code topic} (null: none). Shares the payload and its cached
     * JSON form, so re-addressing a broadcast costs no copy and no second serialization.
     */
    public Message withTopic(String topic) {
        return java.util.Objects.equals(topic, this.topic) ? this : new Message(text, bytes, topic, json);
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
     * {@link #json()} in UTF-8, encoded once however many sessions send it (a broadcast). Shared:
     * callers must not change it.
     */
    byte[] jsonUtf8() {
        byte[] b = jsonUtf8;
        if (b == null) {
            b = json().getBytes(StandardCharsets.UTF_8);
            jsonUtf8 = b;
        }
        return b;
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
