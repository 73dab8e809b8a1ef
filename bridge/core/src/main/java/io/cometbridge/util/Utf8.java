package io.cometbridge.util;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding for what peers send (polling bodies, WebSocket text messages): bytes that
 * are not UTF-8 are refused, where {@code new String(bytes, UTF_8)} would replace them silently.
 */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * The text of {@code bytes} (from its position to its limit, which are left as they are).
     *
     * @throws CharacterCodingException the bytes are not UTF-8
     */
    public static String decode(ByteBuffer bytes) throws CharacterCodingException {
        if (bytes.hasArray()) {
            byte[] array = bytes.array();
            int from = bytes.arrayOffset() + bytes.position();
            int size = bytes.remaining();
            // ASCII, the usual case, is its own UTF-8: taken as it is, without a decoder.
            if (isAscii(array, from, size)) return new String(array, from, size, StandardCharsets.ISO_8859_1);
        }
        return StandardCharsets.UTF_8.newDecoder().decode(bytes.slice()).toString(); // a new decoder reports malformed input
    }

    private static boolean isAscii(byte[] bytes, int from, int size) {
        for (int i = from; i < from + size; i++) {
            if (bytes[i] < 0) return false;
        }
        return true;
    }
}
