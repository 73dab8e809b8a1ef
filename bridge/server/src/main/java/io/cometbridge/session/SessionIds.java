package io.cometbridge.session;

import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Unguessable session ids (144 bits from a secure generator, URL-safe base64, 24 characters) and resume keys.
 *
 * <p>Each thread draws from a generator of its own: a DRBG (SHA-256 Hash_DRBG, 256-bit strength,
 * seeded from the system's entropy source when the thread first needs it). The JDK's default
 * generator on Linux is one lock for the whole process around a read of /dev/urandom; in a connect
 * storm every attach queued on it, and a thread descheduled while holding it stalled them all.
 *
 * <p>The generator fills a block of {@value #BLOCK_BYTES} bytes at a time, which ids and keys then
 * take in slices (each slice zeroed in the block as it is handed out). A DRBG call costs several
 * SHA-256 computations whatever it returns, so a call per id and another per key was a measurable
 * part of each connect; one call now serves about fifteen sessions. The bytes are the same
 * generator's output, used once each.
 */
public final class SessionIds {
    static final int BLOCK_BYTES = 512;
    private static final ThreadLocal<RandomBlock> RANDOM = ThreadLocal.withInitial(RandomBlock::new);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SessionIds() {
    }

    /** This thread's generator (a DRBG of its own, never shared with another thread). */
    static SecureRandom generator() {
        return RANDOM.get().generator;
    }

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG", DrbgParameters.instantiation(256, DrbgParameters.Capability.NONE, null));
        } catch (NoSuchAlgorithmException e) { // every JDK since 9 has it
            throw new IllegalStateException("no DRBG secure random generator", e);
        }
    }

    public static String next() {
        return ENCODER.encodeToString(RANDOM.get().take(18));
    }

    /** A resume key: 128 bits from the same generator, URL-safe base64 (22 characters). */
    public static String nextKey() {
        return ENCODER.encodeToString(RANDOM.get().take(16));
    }

    /** A thread's generator and the unused rest of the last block it generated. */
    private static final class RandomBlock {
        final SecureRandom generator = newGenerator();
        final byte[] block = new byte[BLOCK_BYTES];
        int used = BLOCK_BYTES; // nothing generated yet

        byte[] take(int n) {
            if (used + n > BLOCK_BYTES) {
                generator.nextBytes(block);
                used = 0;
            }
            byte[] out = Arrays.copyOfRange(block, used, used + n);
            Arrays.fill(block, used, used + n, (byte) 0); // handed out: not kept here
            used += n;
            return out;
        }
    }

    /**
     * Whether {@code presented} is {@code expected}, in time that does not depend on where they
     * differ (only on the length presented). Compared char by char: no copies on every request.
     */
    public static boolean sameKey(String expected, String presented) {
        if (expected == null || presented == null) return false;
        int difference = expected.length() ^ presented.length();
        for (int i = 0; i < presented.length(); i++) {
            difference |= (i < expected.length() ? expected.charAt(i) : 0) ^ presented.charAt(i);
        }
        return difference == 0;
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
