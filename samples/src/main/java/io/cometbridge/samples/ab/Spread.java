package io.cometbridge.samples.ab;

import java.util.Arrays;
import java.util.List;

/** One figure over the runs of a comparison: its median and its spread (min, quartiles, max). */
public record Spread(double median, double min, double p25, double p75, double max, List<Double> runs) {

    /** The spread of {@code values} (NaN values, figures a run could not measure, are left out). */
    public static Spread of(List<Double> values) {
        double[] v = values.stream().filter(x -> !Double.isNaN(x)).mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) return new Spread(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.copyOf(values));
        return new Spread(quantile(v, 0.5), v[0], quantile(v, 0.25), quantile(v, 0.75), v[v.length - 1], List.copyOf(values));
    }

    /** The {@code q} quantile of sorted values, linear between neighbours. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /** The median of values (NaN for none). */
    static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return quantile(sorted, 0.5);
    }
}
