package io.cometbridge.server;

import io.cometbridge.util.Utf8;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.Arrays;

/**
 * Puts one WebSocket message together from its data frames (RFC 6455 section 5.4): the first
 * frame's opcode says text or binary, continuation frames add to it, the frame with FIN ends it.
 * Jetty's parser has already refused frames out of sequence (1002). The size limit applies to the
 * whole message and is checked before a fragment is copied (1009); a text message must be UTF-8
 * as a whole, so a character split across fragments is fine and a broken one fails (1007).
 *
 * <p>Most messages are one frame: those are copied once, out of Jetty's buffer, with no buffer kept
 * between messages. Used by one connection's reads, which Jetty never runs concurrently.
 */
final class IncomingMessage {
    private final long maxTextBytes;
    private final long maxBinaryBytes;
    private byte[] parts; // the fragments so far, null between messages
    private int length;
    private boolean text;

    IncomingMessage(long maxTextBytes, long maxBinaryBytes) {
        this.maxTextBytes = maxTextBytes;
        this.maxBinaryBytes = maxBinaryBytes;
    }

    /** No limits but Java's array size (tests that drive a transport by hand). */
    static IncomingMessage unlimited() {
        return new IncomingMessage(Integer.MAX_VALUE - 8, Integer.MAX_VALUE - 8);
    }

    /** What a complete message holds: its text, or its bytes. */
    record Complete(String text, byte[] bytes) {
        boolean isText() {
            return text != null;
        }
    }

    /**
     * Takes a text, binary or continuation frame (its payload is copied: Jetty reuses the buffer).
     * Returns the message when this frame ends it, else null.
     *
     * @throws MessageTooLargeException the message is above its limit (Jetty closes with 1009)
     * @throws BadPayloadException a text message that is not UTF-8 (Jetty closes with 1007)
     */
    Complete accept(Frame frame) {
        ByteBuffer payload = frame.getPayload();
        int size = payload == null ? 0 : payload.remaining();
        if (frame.getOpCode() != OpCode.CONTINUATION) {
            text = frame.getOpCode() == OpCode.TEXT;
            length = 0;
        }
        long limit = text ? maxTextBytes : maxBinaryBytes;
        if ((long) length + size > limit) {
            parts = null;
            throw new MessageTooLargeException((text ? "text" : "binary") + " message above " + limit + " bytes");
        }
        if (frame.isFin() && parts == null) return complete(copy(payload, size), size); // one frame: one copy
        if (parts == null) parts = new byte[Math.max(size * 2, 256)];
        if (length + size > parts.length) parts = Arrays.copyOf(parts, (int) Math.min(limit, Math.max(parts.length * 2L, (long) length + size)));
        if (size > 0) payload.slice().get(parts, length, size);
        length += size;
        if (!frame.isFin()) return null;
        byte[] whole = parts;
        parts = null;
        return complete(whole, length);
    }

    private static byte[] copy(ByteBuffer payload, int size) {
        byte[] bytes = new byte[size];
        if (size > 0) payload.slice().get(bytes);
        return bytes;
    }

    private Complete complete(byte[] bytes, int size) {
        if (!text) return new Complete(null, bytes.length == size ? bytes : Arrays.copyOf(bytes, size));
        return new Complete(utf8(bytes, size), null);
    }

    /** The text of UTF-8 bytes, refusing anything that is not UTF-8 (1007). */
    private static String utf8(byte[] bytes, int size) {
        try {
            return Utf8.decode(ByteBuffer.wrap(bytes, 0, size));
        } catch (CharacterCodingException e) {
            throw new BadPayloadException("Invalid UTF-8");
        }
    }
}
