package org.sparkdistill.bench;

import java.util.List;
import java.util.Optional;

/**
 * How one contender did: its epochs, and whether and when it reached the target accuracy.
 *
 * @param name the contender's name
 * @param settings the contender's settings in words
 * @param target the test accuracy it trained towards
 * @param setupSeconds wall time of {@link Contender#start}, not counted as training
 * @param epochs the epochs it trained, in order; at least one
 */
public record TrialResult(String name, String settings, double target, double setupSeconds, List<EpochRecord> epochs) {
    public TrialResult {
        epochs = List.copyOf(epochs);
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException(name + ": a trial result needs at least one epoch");
        }
    }

    /** The first epoch whose accuracy reached the target, if any. */
    public Optional<EpochRecord> firstAtTarget() {
        return epochs.stream().filter(e -> e.accuracy() >= target).findFirst();
    }

    /** Training wall time until the target was reached, or empty when it was not. */
    public Optional<Double> secondsToTarget() {
        return firstAtTarget().map(EpochRecord::cumulativeTrainSeconds);
    }

    /** Accuracy after the last epoch trained. */
    public double finalAccuracy() {
        return last().accuracy();
    }

    /** Training wall time over all epochs trained. */
    public double trainSeconds() {
        return last().cumulativeTrainSeconds();
    }

    /** Evaluation wall time over all epochs trained. */
    public double evalSeconds() {
        return epochs.stream().mapToDouble(EpochRecord::evalSeconds).sum();
    }

    /** This contender's time to target divided by {@code other}'s, or empty when either did not reach it. */
    public Optional<Double> timeRatioTo(TrialResult other) {
        return secondsToTarget().flatMap(mine -> other.secondsToTarget().map(theirs -> mine / theirs));
    }

    private EpochRecord last() {
        return epochs.get(epochs.size() - 1);
    }
}
