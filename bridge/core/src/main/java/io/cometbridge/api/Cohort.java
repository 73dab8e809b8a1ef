package io.cometbridge.api;

/**
 * The A/B cohort a session belongs to, drawn once when it is created and kept for its life
 * (docs/PROTOCOL.md section 10.3). {@link #POLLING} sessions ride on long-polling only, so their
 * overhead can be read beside the {@link #CONTROL} sessions' (which use whatever transport works).
 */
public enum Cohort {
    CONTROL("control"),
    POLLING("polling");

    private final String wireName;

    Cohort(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the open frame, {@code /stats} and the metrics' {@code cohort} label. */
    public String wireName() {
        return wireName;
    }

    /** The cohort of this wire name; null for a name this version does not know. */
    public static Cohort fromWireName(String name) {
        for (Cohort c : values()) {
            if (c.wireName.equals(name)) return c;
        }
        return null;
    }
}
