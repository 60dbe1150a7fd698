package io.iotconnect.bench;

import java.util.Arrays;

/** Summaries of the rounds of a throughput benchmark. */
public final class Rounds {

    private Rounds() {
    }

    /** The median of the rounds' figures. */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The smallest of the rounds' figures. */
    public static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    /** The largest of the rounds' figures. */
    public static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
