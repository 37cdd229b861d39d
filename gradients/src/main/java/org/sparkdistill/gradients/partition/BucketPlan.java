package org.sparkdistill.gradients.partition;

import java.util.Arrays;

/**
 * A partition of a {@link GradientLayout}'s layers into buckets of consecutive layers, in backward order: bucket 0
 * holds layers {@code 0..end(0)-1}, bucket {@code b} holds layers {@code end(b-1)..end(b)-1}. Each bucket is one
 * all-reduce of one contiguous range of the flat gradient. Immutable.
 */
public final class BucketPlan {
    private final int[] ends;

    private BucketPlan(int[] ends) {
        this.ends = ends;
    }

    /**
     * The plan whose buckets end (exclusively) at the given layer indices, strictly increasing, the last equal to
     * the number of layers.
     */
    public static BucketPlan ofEnds(int... ends) {
        if (ends.length == 0) {
            throw new IllegalArgumentException("a bucket plan needs at least one bucket");
        }
        int previous = 0;
        for (int b = 0; b < ends.length; b++) {
            if (ends[b] <= previous) {
                throw new IllegalArgumentException("bucket ends must increase strictly from 1: " + Arrays.toString(ends));
            }
            previous = ends[b];
        }
        return new BucketPlan(ends.clone());
    }

    /** One bucket holding all {@code layers} layers. */
    public static BucketPlan fused(int layers) {
        return ofEnds(layers);
    }

    /** One bucket per layer. */
    public static BucketPlan perLayer(int layers) {
        int[] ends = new int[layers];
        for (int k = 0; k < layers; k++) {
            ends[k] = k + 1;
        }
        return ofEnds(ends);
    }

    public int buckets() {
        return ends.length;
    }

    /** The number of layers the plan covers. */
    public int layers() {
        return ends[ends.length - 1];
    }

    /** The first layer of bucket {@code b}. */
    public int first(int b) {
        return b == 0 ? 0 : ends[b - 1];
    }

    /** The last layer (inclusive) of bucket {@code b}. */
    public int last(int b) {
        return ends[b] - 1;
    }

    /** The exclusive end of each bucket, a copy. */
    public int[] ends() {
        return ends.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BucketPlan plan && Arrays.equals(ends, plan.ends);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ends);
    }

    /** The plan as bucket ranges in backward order, for example {@code [0-1|2|3-7]}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("[");
        for (int b = 0; b < ends.length; b++) {
            if (b > 0) {
                text.append('|');
            }
            text.append(first(b));
            if (last(b) != first(b)) {
                text.append('-').append(last(b));
            }
        }
        return text.append(']').toString();
    }
}
