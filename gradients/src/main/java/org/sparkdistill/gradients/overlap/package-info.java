/**
 * Overlapping the gradient all-reduce with the backward pass: {@link
 * org.sparkdistill.gradients.overlap.BucketScheduler} all-reduces each bucket of a
 * {@link org.sparkdistill.gradients.partition.BucketPlan} on a communication thread as soon as the backward pass has
 * made all its layers final, in the same order on every rank.
 */
package org.sparkdistill.gradients.overlap;
