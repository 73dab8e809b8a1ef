package io.cometbridge.session;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable session ids (144 bits from a secure generator, URL-safe base64, 24 characters) and resume keys. */
public final class SessionIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SessionIds() {
    }

    public static String next() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** A resume key: 128 bits from the same generator, URL-safe base64 (22 characters). */
    public static String nextKey() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** Whether {@code presented} is {@code expected}, in time that does not depend on where they differ. */
    public static boolean sameKey(String expected, String presented) {
        return expected != null && presented != null
                && java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        presented.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Cheap shape check before a lookup: 24 URL-safe base64 characters. */
    public static boolean isWellFormed(String id) {
        if (id == null || id.length() != 24) return false;
        for (int i = 0; i < 24; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) return false;
        }
        return true;
    }
}
