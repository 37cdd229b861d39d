package org.sparkdistill.jobs;

import java.io.Serializable;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;
import org.sparkdistill.jobs.config.StudentConfig;

/** The student network a job builds: a fully connected classifier of the given hidden widths. */
public record StudentSpec(List<Integer> hidden, UpdaterKind updater, double learningRate, LearningRateSchedule schedule)
        implements Serializable {
    public StudentSpec {
        hidden = List.copyOf(hidden);
    }

    /** The student a job's configuration describes. */
    public static StudentSpec of(StudentConfig config) {
        return new StudentSpec(config.hidden(), config.updater(), config.learningRate(), config.learningRateSchedule());
    }

    /**
     * A new student for rows of {@code featureCount} values and {@code classes} classes, initialised from {@code seed},
     * whose learning rate follows the schedule over {@code totalSteps}.
     */
    public MultiLayerNetwork build(int featureCount, int classes, long seed, int totalSteps) {
        return Networks.mlp(featureCount, hidden, classes, updater.withLearningRate(learningRate, schedule, totalSteps),
                seed);
    }
}
