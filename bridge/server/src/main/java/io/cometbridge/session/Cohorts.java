package io.cometbridge.session;

import io.cometbridge.api.Cohort;
import io.cometbridge.api.TransportKind;
import io.cometbridge.transport.Transport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The A/B split (docs/PROTOCOL.md section 10.3): which cohort a session is in, and what that
 * allows. The draw is a function of the session id (uniform, since the id is random), not a dice
 * roll kept somewhere: every node with the same share puts a session in the same cohort, so it
 * stays there across resumes and across a takeover by another node without storing anything.
 */
final class Cohorts {
    private static final double TWO_TO_53 = 0x1p53;

    private Cohorts() {
    }

    /** The cohort of session {@code sid} when {@code share} of the sessions ride on polling. */
    static Cohort draw(String sid, double share) {
        if (share <= 0) return Cohort.CONTROL;
        if (share >= 1) return Cohort.POLLING;
        return fraction(sid) < share ? Cohort.POLLING : Cohort.CONTROL;
    }

    /** What the open frame says: the cohort's name while the server splits, null (no field) otherwise. */
    static String announced(BridgeConfig config, Cohort cohort) {
        return config.abPollingShare() > 0 ? cohort.wireName() : null;
    }

    /** Whether {@code t} may not carry a session of {@code cohort}: the polling cohort never rides on the native WebSocket. */
    static boolean refuses(Cohort cohort, Transport t) {
        return cohort == Cohort.POLLING && t.kind() == TransportKind.WEBSOCKET;
    }

    /** The id's hash as a number in [0, 1). */
    private static double fraction(String sid) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(sid.getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 7; i++) bits = (bits << 8) | (h[i] & 0xff);
            return (bits >>> 3) / TWO_TO_53; // the top 53 bits
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
