package org.sparkdistill.gradients.partition;

/**
 * When the {@link Replanner} looks for a better plan and how much better it must be predicted to be.
 *
 * <p>A new plan is adopted only if its predicted tail is shorter than the current plan's by more than
 * {@code minGainFraction · (current plan's predicted total communication) + minGainSeconds}. The fraction scales the
 * bar with the size of what is predicted, since a prediction's error grows with it; the floor keeps noise in small
 * predictions from switching plans back and forth.
 *
 * @param intervalSteps re-plan at steps that are positive multiples of this, at least 1
 * @param minGainFraction the part of the current plan's predicted communication time the gain must exceed, >= 0
 * @param minGainSeconds the gain, in seconds, that is never enough on its own, >= 0
 */
public record ReplanConfig(int intervalSteps, double minGainFraction, double minGainSeconds) {
    /**
     * Every 50 steps, adopting a plan predicted to save more than 5% of the communication time plus 100 µs: 50 steps
     * give the default EWMA profile (smoothing 0.1) time to settle after a change, 5% is above the step-to-step
     * spread of measured all-reduce times, and 100 µs is above the resolution of the timers that feed the profile.
     */
    public static final ReplanConfig DEFAULTS = new ReplanConfig(50, 0.05, 1e-4);

    public ReplanConfig {
        if (intervalSteps < 1) {
            throw new IllegalArgumentException("intervalSteps must be at least 1, not " + intervalSteps);
        }
        requireFiniteNonNegative("minGainFraction", minGainFraction);
        requireFiniteNonNegative("minGainSeconds", minGainSeconds);
    }

    /** These settings with re-planning every {@code steps} steps. */
    public ReplanConfig withIntervalSteps(int steps) {
        return new ReplanConfig(steps, minGainFraction, minGainSeconds);
    }

    /**
     * The predicted gain a new plan must exceed to replace a plan whose predicted communication takes
     * {@code communicationSeconds}.
     */
    public double requiredGainSeconds(double communicationSeconds) {
        return minGainFraction * communicationSeconds + minGainSeconds;
    }

    private static void requireFiniteNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, not " + value);
        }
    }
}
