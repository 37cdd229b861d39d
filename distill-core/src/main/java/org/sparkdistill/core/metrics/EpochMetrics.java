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
 */
public record EpochMetrics(int epoch, long step, double trainLoss, double accuracy, double agreement, double teacherKl,
                           double ece, double seconds, CommunicationMetrics communication) implements Serializable {

    /** The metrics of an epoch trained without exchanging gradients. */
    public EpochMetrics(int epoch, long step, double trainLoss, double accuracy, double agreement, double teacherKl,
            double ece, double seconds) {
        this(epoch, step, trainLoss, accuracy, agreement, teacherKl, ece, seconds, null);
    }

    /** These metrics with {@code metrics} as the epoch's communication. */
    public EpochMetrics withCommunication(CommunicationMetrics metrics) {
        return new EpochMetrics(epoch, step, trainLoss, accuracy, agreement, teacherKl, ece, seconds, metrics);
    }
}
