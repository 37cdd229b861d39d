package org.sparkdistill.jobs.config;

import java.util.List;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;

/**
 * The student network: hidden layer widths of a fully connected classifier, its optimizer and learning rate.
 *
 * @param hidden the widths of the hidden layers, first to last; an unmodifiable copy
 * @param learningRateSchedule constant, or linear from {@code learningRate} down to zero over the run
 */
public record StudentConfig(List<Integer> hidden, UpdaterKind updater, double learningRate,
                            LearningRateSchedule learningRateSchedule) {
    static final Field<List<Integer>> HIDDEN = Field.integers("student.hidden", List.of(128), Range.closed(1, 65_536));
    static final Field<UpdaterKind> UPDATER = Field.choice("student.updater", UpdaterKind.class, UpdaterKind.ADAM);
    static final Field<Double> LEARNING_RATE = Field.number("student.learningRate", 0.001, Range.openClosed(0, 10));
    static final Field<LearningRateSchedule> SCHEDULE = Field.choice("student.learningRateSchedule",
            LearningRateSchedule.class, LearningRateSchedule.LINEAR);

    /** The student used when the configuration names none of these keys. */
    public static final StudentConfig DEFAULT = new StudentConfig(HIDDEN.fallback(), UPDATER.fallback(),
            LEARNING_RATE.fallback(), SCHEDULE.fallback());

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public StudentConfig {
        hidden = HIDDEN.require(hidden);
        updater = UPDATER.require(updater);
        learningRate = LEARNING_RATE.require(learningRate);
        learningRateSchedule = SCHEDULE.require(learningRateSchedule);
    }
}
