package org.sparkdistill.jobs;

import java.io.Serializable;
import java.time.Duration;
import org.sparkdistill.gradients.collective.TcpOptions;
import org.sparkdistill.gradients.overlap.OverlapSettings;
import org.sparkdistill.gradients.partition.AdaptivePolicy;
import org.sparkdistill.gradients.partition.PartitionPolicies;
import org.sparkdistill.jobs.config.TrainingConfig;

/**
 * How the replicas of a job connect and exchange gradients, as the configuration says it: the bucket policy's name,
 * the steps between re-plans and the transport's timeouts. Travels to the executors as text and numbers and becomes
 * {@link OverlapSettings} and {@link TcpOptions} there.
 *
 * @param buckets a policy name {@link PartitionPolicies#parse} accepts
 * @param replanEvery steps between reconsiderations of a measured plan
 * @param handshakeTimeoutSeconds how long one connection to a replica may take to pass the handshake
 *     ({@code training.handshakeTimeout})
 * @param ioTimeoutSeconds how long a replica waits on a silent peer before the attempt fails
 *     ({@code training.ioTimeout})
 */
public record ExchangeSpec(String buckets, int replanEvery, int handshakeTimeoutSeconds, int ioTimeoutSeconds)
        implements Serializable {
    /** Adaptive buckets, re-planned every {@value OverlapSettings#DEFAULT_REPLAN_EVERY} steps, default timeouts. */
    public static final ExchangeSpec DEFAULT = new ExchangeSpec(AdaptivePolicy.NAME,
            OverlapSettings.DEFAULT_REPLAN_EVERY, TrainingConfig.DEFAULT.handshakeTimeout(),
            TrainingConfig.DEFAULT.ioTimeout());

    /** How long the whole group may take to connect once the replicas know each other's addresses. */
    static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(5);
    /** The largest frame: one all-reduce segment is far smaller. */
    static final int MAX_FRAME_BYTES = 64 << 20;
    /** Transport errors name the timeouts by their keys: training.handshakeTimeout, training.ioTimeout. */
    private static final String SETTING_PREFIX = "training.";

    public ExchangeSpec {
        PartitionPolicies.parse(buckets);
        if (replanEvery < 1) {
            throw new IllegalArgumentException("replanEvery must be at least 1, not " + replanEvery);
        }
        if (handshakeTimeoutSeconds < 1) {
            throw new IllegalArgumentException("handshakeTimeoutSeconds must be at least 1, not "
                    + handshakeTimeoutSeconds);
        }
        if (ioTimeoutSeconds < 1) {
            throw new IllegalArgumentException("ioTimeoutSeconds must be at least 1, not " + ioTimeoutSeconds);
        }
    }

    /** The settings the replicas train with. */
    public OverlapSettings settings() {
        return OverlapSettings.of(PartitionPolicies.parse(buckets), replanEvery);
    }

    /** The limits of the replicas' TCP connections. */
    public TcpOptions transport() {
        return new TcpOptions(CONNECT_TIMEOUT, Duration.ofSeconds(handshakeTimeoutSeconds),
                Duration.ofSeconds(ioTimeoutSeconds), MAX_FRAME_BYTES, SETTING_PREFIX);
    }
}
