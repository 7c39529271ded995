package org.staplekit.bench;

import java.util.Arrays;
import java.util.Collection;

/** Median, minimum and maximum of a few samples. */
final class Stats {
    final double median;
    final double min;
    final double max;
    final int count;

    private Stats(double median, double min, double max, int count) {
        this.median = median;
        this.min = min;
        this.max = max;
        this.count = count;
    }

    /**
     * Of {@code samples} (the mean of the middle two for an even count).
     *
     * @throws IllegalArgumentException if there are none
     */
    static Stats of(Collection<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[n - 1], n);
    }

    /** Of an array of samples. */
    static Stats of(double... samples) {
        return of(Arrays.stream(samples).boxed().collect(java.util.stream.Collectors.toList()));
    }
}
