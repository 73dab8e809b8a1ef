package io.cometbridge.samples.ab;

import java.util.function.Function;

/**
 * What an on-demand A/B comparison runs (docs/BENCHMARK.md, "A/B cohorts and on-demand
 * comparisons"): {@code sessions} Java clients at once over each transport, each sending
 * {@code messages} messages of {@code payload} characters in a closed loop (the next once the echo
 * of the last came back), the whole done {@code runs} times. Bounded, so that an operator's click
 * cannot load the server for long: at most 50 sessions, 500 messages each, 10 runs, 4096 characters.
 */
public record ComparisonPlan(int sessions, int messages, int runs, int payload) {
    public static final ComparisonPlan DEFAULT = new ComparisonPlan(10, 50, 3, 64);

    public ComparisonPlan {
        check("sessions", sessions, 50);
        check("messages", messages, 500);
        check("runs", runs, 10);
        check("payload", payload, 4096);
    }

    /** The plan a request's query names; what it leaves out is the default. Throws IllegalArgumentException with the reason. */
    public static ComparisonPlan of(Function<String, String> query) {
        return new ComparisonPlan(value(query, "sessions", DEFAULT.sessions), value(query, "messages", DEFAULT.messages),
                value(query, "runs", DEFAULT.runs), value(query, "payload", DEFAULT.payload));
    }

    private static int value(Function<String, String> query, String name, int absent) {
        String v = query.apply(name);
        if (v == null || v.isEmpty()) return absent;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + (v.length() > 20 ? v.substring(0, 20) + "…" : v) + "'");
        }
    }

    private static void check(String name, int value, int max) {
        if (value < 1 || value > max) throw new IllegalArgumentException(name + " must be from 1 to " + max + ", not " + value);
    }

    /** Steps of the whole comparison: one per run and transport. */
    public int steps() {
        return runs * 2;
    }
}
