/**
 * How a flat gradient is cut into buckets for the all-reduce: the layout of layers in the gradient
 * ({@link org.sparkdistill.gradients.partition.GradientLayout}), bucket plans
 * ({@link org.sparkdistill.gradients.partition.BucketPlan}), the communication cost model
 * ({@link org.sparkdistill.gradients.partition.CostModel}) and the policies that choose a plan
 * ({@link org.sparkdistill.gradients.partition.PartitionPolicy}).
 */
package org.sparkdistill.gradients.partition;
