package org.sparkdistill.core.metrics;

import java.io.Serializable;

/**
 * Where the steps of one epoch spent their time on a data-parallel replica, as means per step.
 *
 * @param steps the steps measured
 * @param forwardSeconds forward pass (with the step's set-up)
 * @param backwardSeconds backward pass
 * @param optimizerSeconds updater, after the gradient was averaged
 * @param communicationSeconds all-reduce time of all buckets
 * @param communicationCpuSeconds processor time the communication thread spent on them, NaN if not measured
 * @param exposedSeconds communication that ran after the backward pass, which the step waited for
 * @param tailSeconds end of this rank's backward pass to end of the last all-reduce
 * @param groupTailSeconds end of the last rank's backward pass to end of the last all-reduce: what no rank hid
 * @param overlapRatio communication hidden under the backward pass ÷ all communication, over the epoch
 * @param busBandwidthBytesPerSecond the all-reduce's bus bandwidth over the epoch, {@code 2(N−1)/N · bytes / time}
 * @param plan the bucket plan in force at the end of the epoch, bucket ranges of layers in backward order
 * @param planChanges how many times the plan changed during the epoch
 * @param predictedTailSeconds the tail the planner predicted for the plans in force
 * @param communicationPredictionError the cost model's mean relative error on a step's communication time
 * @param bytesSentPerStep payload bytes this rank sent per step to the ranks it averages gradients with (its
 *     codistillation group, or all), NaN if not counted
 * @param crossGroupBytesPerStep payload bytes this rank sent per step to other codistillation groups: 0 without
 *     groups, NaN if not counted
 */
public record CommunicationMetrics(long steps, double forwardSeconds, double backwardSeconds, double optimizerSeconds,
                                   double communicationSeconds, double communicationCpuSeconds,
                                   double exposedSeconds, double tailSeconds, double groupTailSeconds,
                                   double overlapRatio, double busBandwidthBytesPerSecond, String plan,
                                   int planChanges, double predictedTailSeconds,
                                   double communicationPredictionError, double bytesSentPerStep,
                                   double crossGroupBytesPerStep) implements Serializable {

    /** Metrics whose bytes were not counted. */
    public CommunicationMetrics(long steps, double forwardSeconds, double backwardSeconds, double optimizerSeconds,
            double communicationSeconds, double communicationCpuSeconds, double exposedSeconds, double tailSeconds,
            double groupTailSeconds, double overlapRatio, double busBandwidthBytesPerSecond, String plan,
            int planChanges, double predictedTailSeconds, double communicationPredictionError) {
        this(steps, forwardSeconds, backwardSeconds, optimizerSeconds, communicationSeconds, communicationCpuSeconds,
                exposedSeconds, tailSeconds, groupTailSeconds, overlapRatio, busBandwidthBytesPerSecond, plan,
                planChanges, predictedTailSeconds, communicationPredictionError, Double.NaN, Double.NaN);
    }

    /** These metrics with the bytes this rank sent per step inside its group and across groups. */
    public CommunicationMetrics withTraffic(double bytesSentPerStep, double crossGroupBytesPerStep) {
        return new CommunicationMetrics(steps, forwardSeconds, backwardSeconds, optimizerSeconds, communicationSeconds,
                communicationCpuSeconds, exposedSeconds, tailSeconds, groupTailSeconds, overlapRatio,
                busBandwidthBytesPerSecond, plan, planChanges, predictedTailSeconds, communicationPredictionError,
                bytesSentPerStep, crossGroupBytesPerStep);
    }

    /** The step time these parts add up to: forward, backward, exposed communication and optimizer. */
    public double stepSeconds() {
        return forwardSeconds + backwardSeconds + exposedSeconds + optimizerSeconds;
    }
}
