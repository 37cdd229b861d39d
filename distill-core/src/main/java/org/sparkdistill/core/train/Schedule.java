package org.sparkdistill.core.train;

import org.sparkdistill.core.InvalidInputException;

/**
 * A hyper-parameter's value as training progresses, such as the temperature T or the distillation weight α.
 *
 * <p>Linear α from 1 down to 0 is teacher annealing: see Clark K. et al. "BAM! Born-Again Multi-Task Networks for
 * Natural Language Understanding", ACL 2019.
 */
public sealed interface Schedule extends java.io.Serializable {

    /** The value at {@code step} (0-based) of a run of {@code totalSteps} steps. */
    double valueAt(long step, long totalSteps);

    /** True when the value is {@code value} at every step: a constant of it, or a line from it to it. */
    default boolean isConstantly(double value) {
        return this instanceof Constant c ? c.value() == value
                : this instanceof Linear l && l.start() == value && l.end() == value;
    }

    static Schedule constant(double value) {
        return new Constant(value);
    }

    /** Goes linearly from {@code start} at the first step to {@code end} at the last. */
    static Schedule linear(double start, double end) {
        return new Linear(start, end);
    }

    /** The same value at every step. */
    record Constant(double value) implements Schedule {
        public Constant {
            requireFinite("value", value);
        }

        @Override
        public double valueAt(long step, long totalSteps) {
            return value;
        }
    }

    /** A straight line from {@code start} to {@code end} over the run. */
    record Linear(double start, double end) implements Schedule {
        public Linear {
            requireFinite("start", start);
            requireFinite("end", end);
        }

        @Override
        public double valueAt(long step, long totalSteps) {
            if (totalSteps <= 1) {
                return start;
            }
            double progress = Math.min(1.0, Math.max(0.0, (double) step / (totalSteps - 1)));
            return start + (end - start) * progress;
        }
    }

    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new InvalidInputException("schedule " + name + " = " + value + ": must be finite");
        }
    }
}
