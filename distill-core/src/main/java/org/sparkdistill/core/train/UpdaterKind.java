package org.sparkdistill.core.train;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.PolySchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.sparkdistill.core.InvalidInputException;

/** The optimizers a student can be trained with. */
public enum UpdaterKind {
    ADAM,
    SGD,
    NESTEROVS;

    /** How the learning rate changes over a run. */
    public enum LearningRateSchedule {
        /** The same rate at every step. */
        CONSTANT,
        /** From the given rate at the first step linearly down to zero at the last. */
        LINEAR
    }

    /** The DL4J updater of this kind with a constant learning rate (momentum 0.9 for Nesterov). */
    public IUpdater withLearningRate(double learningRate) {
        return switch (this) {
            case ADAM -> new Adam(learningRate);
            case SGD -> new Sgd(learningRate);
            case NESTEROVS -> new Nesterovs(learningRate, 0.9);
        };
    }

    /**
     * The DL4J updater of this kind whose learning rate follows {@code schedule} over a run of {@code totalSteps}.
     *
     * <p>The schedule counts DL4J iterations, which checkpoints keep, so a resumed run continues the same schedule.
     */
    public IUpdater withLearningRate(double learningRate, LearningRateSchedule schedule, int totalSteps) {
        if (schedule == LearningRateSchedule.CONSTANT) {
            return withLearningRate(learningRate);
        }
        if (totalSteps < 1) {
            throw new InvalidInputException("totalSteps = " + totalSteps + ": a linear learning-rate schedule needs >= 1");
        }
        ISchedule linear = new PolySchedule(ScheduleType.ITERATION, learningRate, 1.0, totalSteps);
        return switch (this) {
            case ADAM -> new Adam(linear);
            case SGD -> new Sgd(linear);
            case NESTEROVS -> new Nesterovs(linear, 0.9);
        };
    }
}
