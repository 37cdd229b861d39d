package org.sparkdistill.gradients.partition;

import java.util.Optional;

/**
 * Decides every few steps whether to switch to a new bucket plan, from the current backward profile and cost model.
 *
 * <p>At a step {@code s > 0} with {@code s % intervalSteps == 0}, an adaptive policy is asked for a plan; it replaces
 * the current plan only if the predicted tail, both predicted by {@link Timeline} from the same profile and cost
 * model, falls by more than {@link ReplanConfig#requiredGainSeconds(double)} of the current plan's predicted
 * communication. A policy that is not {@link PartitionPolicy#adaptive() adaptive} never changes the plan. The decision
 * depends only on its inputs, so ranks given the same inputs decide alike; agreeing on those inputs is the caller's
 * task. Not thread-safe.
 */
public final class Replanner {
    private final PartitionPolicy policy;
    private final GradientLayout layout;
    private final ReplanConfig config;
    private BucketPlan current;

    /**
     * A replanner that starts from {@code initialPlan}.
     *
     * @throws IllegalArgumentException if the plan does not cover the layout's layers
     */
    public Replanner(PartitionPolicy policy, GradientLayout layout, BucketPlan initialPlan, ReplanConfig config) {
        if (initialPlan.layers() != layout.layers()) {
            throw new IllegalArgumentException("initial plan " + initialPlan + " covers " + initialPlan.layers()
                    + " layers but the layout has " + layout.layers());
        }
        this.policy = policy;
        this.layout = layout;
        this.config = config;
        this.current = initialPlan;
    }

    /** The plan in force. */
    public BucketPlan current() {
        return current;
    }

    /** Whether {@code step} is one at which this replanner considers a new plan. */
    public boolean replansAt(long step) {
        return policy.adaptive() && step > 0 && step % config.intervalSteps() == 0;
    }

    /**
     * Considers a new plan at {@code step}, adopting it if it is predicted to gain enough.
     *
     * @param backwardSeconds the current estimate of each layer's backward time, in backward order
     * @return the decision if {@code step} is a re-planning step, otherwise empty
     * @throws IllegalArgumentException if {@code step} is negative or the backward times are invalid
     */
    public Optional<Decision> onStep(long step, double[] backwardSeconds, CostModel cost) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, not " + step);
        }
        if (!replansAt(step)) {
            return Optional.empty();
        }
        Timeline before = Timeline.of(layout, current, backwardSeconds, cost);
        BucketPlan candidate = policy.plan(layout, backwardSeconds, cost);
        Timeline after = Timeline.of(layout, candidate, backwardSeconds, cost);
        Decision decision = new Decision(step, current, candidate, before.tailSeconds(), after.tailSeconds(),
                config.requiredGainSeconds(before.communicationSeconds()));
        if (decision.adopted()) {
            current = candidate;
        }
        return Optional.of(decision);
    }

    /**
     * What was decided at one re-planning step.
     *
     * @param previous the plan in force before the step
     * @param candidate the plan the policy proposed
     * @param previousTailSeconds the predicted tail of {@code previous}
     * @param candidateTailSeconds the predicted tail of {@code candidate}
     * @param requiredGainSeconds the gain the candidate had to exceed
     */
    public record Decision(long step, BucketPlan previous, BucketPlan candidate, double previousTailSeconds,
            double candidateTailSeconds, double requiredGainSeconds) {

        /** The predicted tail saved by switching to the candidate; negative if it is predicted to be worse. */
        public double gainSeconds() {
            return previousTailSeconds - candidateTailSeconds;
        }

        /** Whether the candidate replaced the previous plan. */
        public boolean adopted() {
            return gainSeconds() > requiredGainSeconds;
        }

        /** The plan in force after the step. */
        public BucketPlan plan() {
            return adopted() ? candidate : previous;
        }
    }
}
