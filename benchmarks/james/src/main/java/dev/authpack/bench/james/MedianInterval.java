package dev.authpack.bench.james;

import java.util.List;

/**
 * The median of a run's round figures and a distribution-free confidence interval for it: the k-th smallest and
 * k-th largest rounds, k the largest order such that a binomial(n, ½) count below k has probability at most
 * (1 − {@link #LEVEL}) / 2. It assumes nothing about the rounds' spread (which on a shared machine is anything but
 * normal), only that they are independent; with fewer than 6 rounds no interval reaches 95 %, and the widest one
 * (min to max) is given with the level it has.
 *
 * @param median     the median of the values
 * @param low        the interval's lower end
 * @param high       its upper end
 * @param confidence the interval's coverage, at least {@link #LEVEL} when there are 6 values or more
 * @param n          how many values
 */
record MedianInterval(double median, double low, double high, double confidence, int n) {
    static final double LEVEL = 0.95;

    static MedianInterval of(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        if (n == 0) {
            return new MedianInterval(Double.NaN, Double.NaN, Double.NaN, 0, 0);
        }
        // [x(k), x(n-k+1)] misses the median with probability 2 P(X <= k-1), X ~ binomial(n, 1/2)
        int k = 1;
        double cdf = binomialHalf(n, 0);
        for (int j = 2; j <= (n + 1) / 2; j++) {
            double next = cdf + binomialHalf(n, j - 1);
            if (2 * next > 1 - LEVEL) {
                break;
            }
            cdf = next;
            k = j;
        }
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new MedianInterval(median, sorted[k - 1], sorted[n - k], 1 - 2 * cdf, n);
    }

    /** P(X = j) for X ~ binomial(n, 1/2). */
    private static double binomialHalf(int n, int j) {
        double p = Math.pow(0.5, n);
        for (int i = 1; i <= j; i++) {
            p = p * (n - j + i) / i;
        }
        return p;
    }

    /** {@code 0.873 (95 % interval 0.842–0.901, 12 rounds)}. */
    String describe() {
        // the coverage rounded down: an interval never claims more than it has
        return String.format(java.util.Locale.ROOT, "%.3f (%d %% interval %.3f–%.3f, %d rounds)", median,
                (int) Math.floor(confidence * 100 + 1e-9), low, high, n);
    }
}
