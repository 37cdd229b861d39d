package org.sparkdistill.jobs.config;

import java.util.List;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;

/**
 * The student network: hidden layer widths of a fully connected classifier, its optimizer and learning rate.
 *
 * @param learningRateSchedule constant, or linear from {@code learningRate} down to zero over the run
 */
public record StudentConfig(List<Integer> hidden, UpdaterKind updater, double learningRate,
                            LearningRateSchedule learningRateSchedule) {
    public static final Range WIDTH = Range.closed(1, 65536);
    public static final Range LEARNING_RATE = Range.openClosed(0, 10);
    public static final StudentConfig DEFAULT = new StudentConfig(List.of(128), UpdaterKind.ADAM, 0.001,
            LearningRateSchedule.LINEAR);

    public StudentConfig {
        if (hidden == null || hidden.isEmpty()) {
            throw new InvalidInputException("student.hidden must list at least one layer width");
        }
        hidden = List.copyOf(hidden);
        hidden.forEach(width -> WIDTH.require("student.hidden[]", width));
        LEARNING_RATE.require("student.learningRate", learningRate);
    }
}
