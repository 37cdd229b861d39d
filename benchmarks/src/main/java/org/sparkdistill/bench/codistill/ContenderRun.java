package org.sparkdistill.bench.codistill;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * One contender's run in one round: every group leader's epochs, one history per group (one group for plain data
 * parallelism).
 *
 * @param contender how the ranks trained
 * @param round the round, from 0
 * @param groups each group's epochs in order, by group; at least one group, each with at least one epoch
 */
record ContenderRun(Parallelism contender, int round, List<List<GroupEpoch>> groups) {
    /**
     * The first held-out evaluation at or above the target.
     *
     * @param group the group whose student reached it
     * @param epoch the epoch after which it did
     */
    record Reached(int group, GroupEpoch epoch) {
        /** Wall seconds from the start of training to the end of the epoch's steps. */
        double seconds() {
            return epoch.seconds();
        }
    }

    ContenderRun {
        groups = groups.stream().map(List::copyOf).toList();
        if (groups.isEmpty() || groups.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException(contender.label() + ", round " + (round + 1) + ": every group needs at "
                    + "least one epoch, got " + groups.stream().map(List::size).toList());
        }
    }

    /**
     * The earliest epoch end, in wall time from the start of training, after which any group's student was at or above
     * {@code target}; the lower group on a tie; empty when none reached it.
     */
    Optional<Reached> reached(double target) {
        Optional<Reached> first = Optional.empty();
        for (int g = 0; g < groups.size(); g++) {
            int group = g;
            Optional<Reached> reached = groups.get(g).stream().filter(e -> e.accuracy() >= target).findFirst()
                    .map(e -> new Reached(group, e));
            if (reached.isPresent() && (first.isEmpty() || reached.get().seconds() < first.get().seconds())) {
                first = reached;
            }
        }
        return first;
    }

    /** Each group's held-out accuracy after its last epoch, by group. */
    List<Double> finalAccuracies() {
        return groups.stream().map(history -> last(history).accuracy()).toList();
    }

    /** The optimizer steps each group took, the most of any group (all take the same). */
    long steps() {
        return groups.stream().mapToLong(history -> last(history).step()).max().orElseThrow();
    }

    /** Epochs run, the most of any group. */
    int epochs() {
        return groups.stream().mapToInt(history -> last(history).epoch()).max().orElseThrow();
    }

    /** Wall seconds from the start of training to the end of the last epoch's steps, the longest of any group. */
    double seconds() {
        return groups.stream().mapToDouble(history -> last(history).seconds()).max().orElseThrow();
    }

    /** The leaders' step loops divided by their steps: wall time per step, evaluations left out. */
    double meanStepSeconds() {
        double loops = 0;
        long steps = 0;
        for (List<GroupEpoch> history : groups) {
            loops += history.stream().mapToDouble(GroupEpoch::loopSeconds).sum();
            steps += last(history).step();
        }
        return loops / steps;
    }

    /**
     * The leaders' mean gradient step (forward, backward, exposed all-reduce, update), over all their steps, averaged
     * over the groups: the part of {@link #meanStepSeconds()} that is the step itself.
     */
    double meanGradientStepSeconds() {
        return perStep(GroupEpoch::gradientStepSeconds);
    }

    /** Payload bytes a leader sent per step inside its group, over all its steps, averaged over the groups. */
    double bytesSentPerStep() {
        return perStep(GroupEpoch::bytesSentPerStep);
    }

    /** Payload bytes a leader sent per step to other groups, over all its steps, averaged over the groups. */
    double crossGroupBytesPerStep() {
        return perStep(GroupEpoch::crossGroupBytesPerStep);
    }

    /** The group whose student was the most accurate after the last epoch; the lower one on a tie. */
    int bestGroup() {
        List<Double> accuracies = finalAccuracies();
        return IntStream.range(0, accuracies.size()).boxed()
                .max(Comparator.<Integer>comparingDouble(accuracies::get).thenComparing(Comparator.reverseOrder()))
                .orElseThrow();
    }

    /** {@code perStep} weighted by each epoch's steps over a leader's epochs, averaged over the groups. */
    private double perStep(ToDoubleFunction<GroupEpoch> perStep) {
        double sum = 0;
        for (List<GroupEpoch> history : groups) {
            double total = 0;
            long steps = 0;
            for (int e = 0; e < history.size(); e++) {
                long epochSteps = stepsOf(history, e);
                total += perStep.applyAsDouble(history.get(e)) * epochSteps;
                steps += epochSteps;
            }
            sum += total / steps;
        }
        return sum / groups.size();
    }

    /** The steps of epoch {@code e} of {@code history}: the first epoch's are its step count. */
    private static long stepsOf(List<GroupEpoch> history, int e) {
        return history.get(e).step() - (e == 0 ? 0 : history.get(e - 1).step());
    }

    private static GroupEpoch last(List<GroupEpoch> history) {
        return history.get(history.size() - 1);
    }
}
