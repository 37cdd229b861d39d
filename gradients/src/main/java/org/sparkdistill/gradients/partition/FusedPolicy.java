package org.sparkdistill.gradients.partition;

/** One bucket holding the whole gradient, all-reduced after the backward pass ends: no overlap, one latency. */
public record FusedPolicy() implements PartitionPolicy {
    public static final String NAME = "fused";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BucketPlan plan(GradientLayout layout, double[] backwardSeconds, CostModel cost) {
        return BucketPlan.fused(layout.layers());
    }
}
