package org.sparkdistill.gradients.partition;

/**
 * The backward time of each layer, as an exponentially weighted moving average over training steps.
 *
 * <p>After a step's times {@code x}, the estimate becomes {@code (1 - smoothing) · estimate + smoothing · x}; the
 * first step's times are taken as they are, so the estimate carries no bias towards zero. Not thread-safe.
 */
public final class BackwardProfile {
    /**
     * 0.1: the newest step weighs 10%, so the estimate averages over about the last 10 steps and follows a lasting
     * change within a few tens of steps, well inside the re-planning interval.
     */
    public static final double DEFAULT_SMOOTHING = 0.1;

    private final double smoothing;
    private final double[] estimate;
    private long steps;

    /** A profile of {@code layers} layers with the default smoothing, {@value #DEFAULT_SMOOTHING}. */
    public BackwardProfile(int layers) {
        this(layers, DEFAULT_SMOOTHING);
    }

    /**
     * A profile of {@code layers} layers.
     *
     * @param smoothing the weight of the newest step, in (0, 1]; 1 keeps only the last step
     */
    public BackwardProfile(int layers, double smoothing) {
        if (layers < 1) {
            throw new IllegalArgumentException("a backward profile needs at least one layer, not " + layers);
        }
        if (!(smoothing > 0 && smoothing <= 1)) {
            throw new IllegalArgumentException("smoothing must be in (0, 1], not " + smoothing);
        }
        this.smoothing = smoothing;
        this.estimate = new double[layers];
    }

    /**
     * Adds one step's measured backward time of each layer, in backward order.
     *
     * @throws IllegalArgumentException if the array does not have one finite, non-negative time per layer; the
     *         profile is then unchanged
     */
    public void record(double[] secondsPerLayer) {
        BackwardTimes.requireValid("secondsPerLayer", secondsPerLayer, estimate.length);
        for (int k = 0; k < estimate.length; k++) {
            estimate[k] = steps == 0 ? secondsPerLayer[k] : (1 - smoothing) * estimate[k] + smoothing * secondsPerLayer[k];
        }
        steps++;
    }

    /**
     * The current estimate of each layer's backward time, a copy.
     *
     * @throws IllegalStateException if no step has been recorded yet
     */
    public double[] seconds() {
        if (steps == 0) {
            throw new IllegalStateException("the backward profile has no estimate before the first recorded step");
        }
        return estimate.clone();
    }

    public int layers() {
        return estimate.length;
    }

    /** The number of steps recorded. */
    public long steps() {
        return steps;
    }

    public double smoothing() {
        return smoothing;
    }
}
