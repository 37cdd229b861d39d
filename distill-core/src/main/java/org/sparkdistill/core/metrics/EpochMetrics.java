package org.sparkdistill.core.metrics;

import java.io.Serializable;

/**
 * What one epoch of training reached, measured on held-out data.
 *
 * @param epoch 1-based epoch number
 * @param step optimizer steps taken so far
 * @param trainLoss mean training loss over the epoch's steps
 * @param accuracy held-out top-1 accuracy
 * @param agreement held-out top-1 agreement with the reference teacher, NaN without one
 * @param teacherKl held-out mean KL(teacher ‖ student) at T = 1, NaN without a teacher
 * @param ece held-out expected calibration error
 * @param seconds wall time since the run started
 * @param communication where rank 0's steps spent their time exchanging gradients, or null for a single replica
 * @param pipeline where rank 0's input stages and student step spent the epoch, or null when not measured
 */
public record EpochMetrics(int epoch, long step, double trainLoss, double accuracy, double agreement, double teacherKl,
                           double ece, double seconds, CommunicationMetrics communication, PipelineMetrics pipeline)
        implements Serializable {

    /** The metrics of an epoch trained without exchanging gradients or measuring the input pipeline. */
    public EpochMetrics(int epoch, long step, double trainLoss, double accuracy, double agreement, double teacherKl,
            double ece, double seconds) {
        this(epoch, step, trainLoss, accuracy, agreement, teacherKl, ece, seconds, null, null);
    }

    /** These metrics with {@code metrics} as the epoch's communication. */
    public EpochMetrics withCommunication(CommunicationMetrics metrics) {
        return new EpochMetrics(epoch, step, trainLoss, accuracy, agreement, teacherKl, ece, seconds, metrics, pipeline);
    }

    /** These metrics with {@code metrics} as the epoch's input pipeline times. */
    public EpochMetrics withPipeline(PipelineMetrics metrics) {
        return new EpochMetrics(epoch, step, trainLoss, accuracy, agreement, teacherKl, ece, seconds, communication,
                metrics);
    }
}
