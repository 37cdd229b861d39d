package org.sparkdistill.gradients.partition;

/**
 * Chooses how to cut a gradient into buckets, from its layout, the measured backward time of each layer and the
 * communication cost model. Static policies ignore the measurements.
 */
public interface PartitionPolicy {

    /** The policy's name as written in configuration, for example {@code fixed:25}. */
    String name();

    /**
     * The plan for {@code layout}.
     *
     * @param backwardSeconds the backward time of each layer of the layout, in backward order
     */
    BucketPlan plan(GradientLayout layout, double[] backwardSeconds, CostModel cost);

    /** Whether the plan depends on the measurements, so that it is worth re-planning as they change. */
    default boolean adaptive() {
        return false;
    }
}
