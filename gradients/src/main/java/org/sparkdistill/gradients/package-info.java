/**
 * Gradient exchange between data-parallel workers: the communication cost model and bucket planner
 * ({@code partition}), collectives over a transport ({@code collective}), and the scheduler that
 * overlaps bucketed all-reduces with the backward pass ({@code overlap}). Depends on ND4J only.
 */
package org.sparkdistill.gradients;
