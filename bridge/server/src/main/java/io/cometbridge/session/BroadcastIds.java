package io.cometbridge.session;

/**
 * Positions in a relay's log of room broadcasts ({@link RoomRegistry.Relay}): ids of the form
 * {@code millis-sequence} (Redis stream ids), in the one order every node hands broadcasts out.
 */
public final class BroadcastIds {
    private BroadcastIds() {
    }

    /** Orders two positions; null is before every position. */
    public static int compare(String a, String b) {
        if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
        int da = a.indexOf('-'), db = b.indexOf('-');
        int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
    }
}
