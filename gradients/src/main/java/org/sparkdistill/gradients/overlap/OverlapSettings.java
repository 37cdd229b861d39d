package org.sparkdistill.gradients.overlap;

import org.sparkdistill.gradients.partition.AdaptivePolicy;
import org.sparkdistill.gradients.partition.PartitionPolicy;
import org.sparkdistill.gradients.partition.ReplanConfig;

/**
 * How a replica exchanges gradients: the policy that cuts them into buckets and how often it is reconsidered.
 *
 * @param policy chooses the bucket plan
 * @param replan when and on what predicted gain a measured policy's plan is replaced
 */
public record OverlapSettings(PartitionPolicy policy, ReplanConfig replan) {
    /** Steps between reconsiderations of a measured plan, unless configured otherwise. */
    public static final int DEFAULT_REPLAN_EVERY = 20;
    /** Adaptive buckets, reconsidered every {@value #DEFAULT_REPLAN_EVERY} steps. */
    public static final OverlapSettings DEFAULT = of(new AdaptivePolicy(), DEFAULT_REPLAN_EVERY);

    /** {@code policy}, reconsidered every {@code replanEvery} steps with the default gain threshold. */
    public static OverlapSettings of(PartitionPolicy policy, int replanEvery) {
        return new OverlapSettings(policy, ReplanConfig.DEFAULTS.withIntervalSteps(replanEvery));
    }
}
