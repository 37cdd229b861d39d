package org.sparkdistill.jobs;

import java.io.Serializable;
import org.sparkdistill.gradients.overlap.OverlapSettings;
import org.sparkdistill.gradients.partition.PartitionPolicies;
import org.sparkdistill.gradients.partition.ReplanConfig;

/**
 * How the replicas of a job exchange gradients, as the configuration says it: the bucket policy's name and the steps
 * between re-plans. Travels to the executors as text and becomes {@link OverlapSettings} there.
 *
 * @param buckets a policy name {@link PartitionPolicies#parse} accepts
 * @param replanEvery steps between reconsiderations of a measured plan
 */
public record ExchangeSpec(String buckets, int replanEvery) implements Serializable {
    /** Adaptive buckets, re-planned every 20 steps. */
    public static final ExchangeSpec DEFAULT = new ExchangeSpec("adaptive", 20);

    public ExchangeSpec {
        PartitionPolicies.parse(buckets);
        if (replanEvery < 1) {
            throw new IllegalArgumentException("replanEvery must be at least 1, not " + replanEvery);
        }
    }

    /** The settings the replicas train with. */
    public OverlapSettings settings() {
        return new OverlapSettings(PartitionPolicies.parse(buckets), new ReplanConfig(replanEvery,
                ReplanConfig.DEFAULTS.minGainFraction(), ReplanConfig.DEFAULTS.minGainSeconds()));
    }
}
