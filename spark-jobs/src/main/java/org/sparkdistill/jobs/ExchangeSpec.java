package org.sparkdistill.jobs;

import java.io.Serializable;
import org.sparkdistill.gradients.overlap.OverlapSettings;
import org.sparkdistill.gradients.partition.AdaptivePolicy;
import org.sparkdistill.gradients.partition.PartitionPolicies;

/**
 * How the replicas of a job exchange gradients, as the configuration says it: the bucket policy's name and the steps
 * between re-plans. Travels to the executors as text and becomes {@link OverlapSettings} there.
 *
 * @param buckets a policy name {@link PartitionPolicies#parse} accepts
 * @param replanEvery steps between reconsiderations of a measured plan
 */
public record ExchangeSpec(String buckets, int replanEvery) implements Serializable {
    /** Adaptive buckets, re-planned every {@value OverlapSettings#DEFAULT_REPLAN_EVERY} steps. */
    public static final ExchangeSpec DEFAULT = new ExchangeSpec(AdaptivePolicy.NAME,
            OverlapSettings.DEFAULT_REPLAN_EVERY);

    public ExchangeSpec {
        PartitionPolicies.parse(buckets);
        if (replanEvery < 1) {
            throw new IllegalArgumentException("replanEvery must be at least 1, not " + replanEvery);
        }
    }

    /** The settings the replicas train with. */
    public OverlapSettings settings() {
        return OverlapSettings.of(PartitionPolicies.parse(buckets), replanEvery);
    }
}
