package org.sparkdistill.gradients.overlap;

import org.sparkdistill.gradients.partition.BucketPlan;

/**
 * Where one training step's time went, as seen by the gradient exchange.
 *
 * @param forwardSeconds from the start of the step to the start of the backward pass
 * @param backwardSeconds the backward pass, from its start to the moment the last layer's gradient was final
 * @param communicationSeconds the time all buckets' all-reduces took, summed
 * @param communicationCpuSeconds the processor time the communication thread spent on them, NaN if not measured;
 *     while it overlaps the backward pass, this is time the backward pass may lose on a busy machine
 * @param exposedSeconds the part of the communication that ran after the backward pass ended
 * @param tailSeconds from the end of this rank's backward pass to the end of the last all-reduce (0 if it ended
 *     earlier); on a rank that finished its backward pass before the others, this includes waiting for them
 * @param groupTailSeconds the smallest tail of all ranks: from the end of the last rank's backward pass to the end of
 *     the last all-reduce, the communication no rank could hide
 * @param bytes the bytes of gradient all-reduced
 * @param busBytesPerSecond the all-reduce's bus bandwidth, {@code 2(N−1)/N · bytes / communicationSeconds}
 * @param plan the bucket plan in force
 * @param predictedTailSeconds the tail the cost model and backward profile predicted for this step's plan
 * @param predictedCommunicationSeconds the communication time the cost model predicted for this step's buckets
 */
public record StepReport(double forwardSeconds, double backwardSeconds, double communicationSeconds,
                         double communicationCpuSeconds, double exposedSeconds, double tailSeconds, double groupTailSeconds, long bytes, double busBytesPerSecond,
                         BucketPlan plan, double predictedTailSeconds, double predictedCommunicationSeconds) {

    /** The share of communication hidden under the backward pass: {@code 1 − exposed / communication}. */
    public double overlapRatio() {
        return communicationSeconds > 0 ? 1 - exposedSeconds / communicationSeconds : Double.NaN;
    }

    /** The cost model's relative error on this step's communication: {@code (predicted − measured) / measured}. */
    public double communicationPredictionError() {
        return communicationSeconds > 0 ? (predictedCommunicationSeconds - communicationSeconds) / communicationSeconds
                : Double.NaN;
    }
}
