package org.sparkdistill.gradients.partition;

/**
 * One bucket per layer, each all-reduced as soon as its layer is final: the wait-free backpropagation of Zhang et al.,
 * "Poseidon: An Efficient Communication Architecture for Distributed Deep Learning on GPU Clusters", USENIX ATC 2017,
 * which pays one latency per layer.
 */
public record PerLayerPolicy() implements PartitionPolicy {
    public static final String NAME = "per-layer";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BucketPlan plan(GradientLayout layout, double[] backwardSeconds, CostModel cost) {
        return BucketPlan.perLayer(layout.layers());
    }
}
