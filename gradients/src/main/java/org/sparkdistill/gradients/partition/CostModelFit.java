package org.sparkdistill.gradients.partition;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * A least-squares fit of {@link CostModel}'s {@code alpha + beta · bytes} to measured all-reduces, over a window of
 * the most recent samples.
 *
 * <p>Both coefficients are constrained to be non-negative: when the unconstrained fit gives a negative one, the fit
 * is the better, by squared error, of {@code beta = 0} with {@code alpha} the mean time, and {@code alpha = 0} with
 * {@code beta} fitted through the origin; that is the exact least-squares solution under the constraints. A line
 * needs two distinct sizes: with fewer in the window, {@link #fit()} is empty and the caller keeps its current model.
 * Under a fixed plan with one bucket every sample has the same size, so such a caller must measure a second size
 * (for example one step with more buckets) before anything can be fitted.
 *
 * <p>Not thread-safe.
 */
public final class CostModelFit {
    /** 256 samples: tens of steps of a plan with a few buckets. */
    public static final int DEFAULT_WINDOW = 256;

    private final int window;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /** A fit over the last {@value #DEFAULT_WINDOW} samples. */
    public CostModelFit() {
        this(DEFAULT_WINDOW);
    }

    /** A fit over the last {@code window} samples, at least 2. */
    public CostModelFit(int window) {
        if (window < 2) {
            throw new IllegalArgumentException("the window of a cost model fit must hold at least 2 samples, not "
                    + window);
        }
        this.window = window;
    }

    /**
     * Adds one measured all-reduce, dropping the oldest sample once the window is full.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative or {@code seconds} negative or not finite
     */
    public void record(long bytes, double seconds) {
        if (bytes < 0) {
            throw new IllegalArgumentException("an all-reduce sample needs bytes >= 0, not " + bytes);
        }
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("an all-reduce sample of " + bytes + " bytes took " + seconds
                    + " s; the time must be a finite number of seconds >= 0");
        }
        if (samples.size() == window) {
            samples.removeFirst();
        }
        samples.addLast(new Sample(bytes, seconds));
    }

    /** The number of samples in the window. */
    public int samples() {
        return samples.size();
    }

    /** The window's capacity. */
    public int window() {
        return window;
    }

    /** The least-squares model of the samples in the window, or empty if they hold fewer than two distinct sizes. */
    public Optional<CostModel> fit() {
        if (!hasTwoSizes()) {
            return Optional.empty();
        }
        double n = samples.size();
        double meanBytes = 0;
        double meanSeconds = 0;
        for (Sample s : samples) {
            meanBytes += s.bytes / n;
            meanSeconds += s.seconds / n;
        }
        double sxx = 0;
        double sxy = 0;
        for (Sample s : samples) {
            double dx = s.bytes - meanBytes;
            sxx += dx * dx;
            sxy += dx * (s.seconds - meanSeconds);
        }
        double beta = sxy / sxx;
        double alpha = meanSeconds - beta * meanBytes;
        if (alpha >= 0 && beta >= 0) {
            return Optional.of(new CostModel(alpha, beta));
        }
        CostModel latencyOnly = new CostModel(meanSeconds, 0);
        CostModel bandwidthOnly = new CostModel(0, throughOrigin());
        return Optional.of(squaredError(bandwidthOnly) < squaredError(latencyOnly) ? bandwidthOnly : latencyOnly);
    }

    private boolean hasTwoSizes() {
        long first = samples.isEmpty() ? 0 : samples.getFirst().bytes;
        return samples.stream().anyMatch(s -> s.bytes != first);
    }

    /** The least-squares beta of {@code seconds = beta · bytes}, never negative since both are. */
    private double throughOrigin() {
        double sxx = 0;
        double sxy = 0;
        for (Sample s : samples) {
            sxx += (double) s.bytes * s.bytes;
            sxy += s.bytes * s.seconds;
        }
        return sxy / sxx;
    }

    private double squaredError(CostModel model) {
        double sum = 0;
        for (Sample s : samples) {
            double residual = s.seconds - model.seconds(s.bytes);
            sum += residual * residual;
        }
        return sum;
    }

    private record Sample(long bytes, double seconds) {
    }
}
