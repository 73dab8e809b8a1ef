package io.cometbridge.session;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts by a label (a close code, a fallback reason), for statistics and metrics. Bounded: past
 * {@code maxLabels} distinct labels, new ones count under {@link #OTHER}, so a stream of odd codes
 * cannot grow it (or a metrics backend's series) without end. Lock-free once a label exists.
 */
public final class LabelledCounts {
    /** Where labels beyond the bound are counted. */
    public static final String OTHER = "other";

    private final int maxLabels;
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    public LabelledCounts(int maxLabels) {
        this.maxLabels = maxLabels;
    }

    public void add(String label, long delta) {
        LongAdder adder = counts.get(label);
        if (adder == null) {
            String key = counts.size() < maxLabels ? label : OTHER;
            adder = counts.computeIfAbsent(key, k -> new LongAdder());
        }
        adder.add(delta);
    }

    public void increment(String label) {
        add(label, 1);
    }

    /** The count of one label (0 if never seen). */
    public long get(String label) {
        LongAdder adder = counts.get(label);
        return adder == null ? 0 : adder.sum();
    }

    /** Every label seen and its count, sorted by label. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
