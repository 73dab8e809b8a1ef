package io.cometbridge.session;

/**
 * A position in a relay's log of room broadcasts ({@link RoomRegistry.Relay}): an id of the form
 * {@code millis-sequence} (a Redis stream id), in the one order every node hands broadcasts out.
 * Parsed once where a broadcast enters this node, not once per receiver; its text is {@link #toString()}.
 */
public record BroadcastPosition(long millis, long sequence) implements Comparable<BroadcastPosition> {

    /** The position an id names; null for null. */
    public static BroadcastPosition parse(String id) {
        if (id == null) return null;
        int dash = id.indexOf('-');
        return new BroadcastPosition(Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
    }

    /** Orders two ids; null is before every position. */
    public static int compare(String a, String b) {
        return compare(parse(a), parse(b));
    }

    /** Orders two positions; null is before every position. */
    static int compare(BroadcastPosition a, BroadcastPosition b) {
        if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
        return a.compareTo(b);
    }

    @Override
    public int compareTo(BroadcastPosition other) {
        int c = Long.compare(millis, other.millis);
        return c != 0 ? c : Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }
}
