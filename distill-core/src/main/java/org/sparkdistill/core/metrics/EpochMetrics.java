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
 */
public record EpochMetrics(int epoch, long step, double trainLoss, double accuracy, double agreement, double teacherKl,
                           double ece, double seconds) implements Serializable {
}
