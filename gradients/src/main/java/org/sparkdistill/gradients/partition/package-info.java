/**
 * How a flat gradient is cut into buckets for the all-reduce.
 *
 * <p>The inputs: the layout of layers in the gradient ({@link org.sparkdistill.gradients.partition.GradientLayout}),
 * the per-layer backward times ({@link org.sparkdistill.gradients.partition.BackwardProfile}, an EWMA) and the
 * communication cost model ({@link org.sparkdistill.gradients.partition.CostModel}, fitted by
 * {@link org.sparkdistill.gradients.partition.CostModelFit}). The one model of a plan's schedule and tail:
 * {@link org.sparkdistill.gradients.partition.Timeline}. The policies that choose a
 * {@link org.sparkdistill.gradients.partition.BucketPlan}
 * ({@link org.sparkdistill.gradients.partition.PartitionPolicy}, read from configuration by
 * {@link org.sparkdistill.gradients.partition.PartitionPolicies}): the exact
 * {@link org.sparkdistill.gradients.partition.AdaptivePolicy} and, for comparison, fused, per-layer, DDP's fixed-size
 * and MG-WFBP's greedy merge. {@link org.sparkdistill.gradients.partition.Replanner} decides when to switch plans.
 * Nothing here communicates.
 */
package org.sparkdistill.gradients.partition;
