package org.sparkdistill.bench;

/**
 * One timed epoch of a contender.
 *
 * @param epoch 1-based epoch number
 * @param trainSeconds wall time of this epoch's training
 * @param cumulativeTrainSeconds wall time of training up to and including this epoch, evaluation excluded
 * @param evalSeconds wall time of evaluating the model after this epoch
 * @param accuracy top-1 accuracy on the test examples after this epoch
 */
public record EpochRecord(int epoch, double trainSeconds, double cumulativeTrainSeconds, double evalSeconds,
                          double accuracy) {
}
