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
    /** Adaptive buckets, reconsidered every 20 steps. */
    public static final OverlapSettings DEFAULT = new OverlapSettings(new AdaptivePolicy(),
            new ReplanConfig(20, ReplanConfig.DEFAULTS.minGainFraction(), ReplanConfig.DEFAULTS.minGainSeconds()));
}
