package org.sparkdistill.jobs.config;

import java.util.List;
import org.sparkdistill.core.train.StudentArchitecture;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;

/**
 * The student network: its architecture (or a model file to start from), its widths, its optimizer and learning rate.
 *
 * @param architecture mlp, cnn or resnet; ignored when {@code model} is set
 * @param hidden the widths of the dense hidden layers, first to last (mlp: every hidden layer; cnn: those after the
 *     convolution blocks; resnet: unused); an unmodifiable copy
 * @param channels the convolution widths, one per block (cnn and resnet); an unmodifiable copy
 * @param model a DL4J model zip (a MultiLayerNetwork or a ComputationGraph) whose weights are the starting point, or
 *     null to build the architecture
 * @param learningRateSchedule constant, or linear from {@code learningRate} down to zero over the run
 */
public record StudentConfig(StudentArchitecture architecture, List<Integer> hidden, List<Integer> channels,
                            String model, UpdaterKind updater, double learningRate,
                            LearningRateSchedule learningRateSchedule) {
    static final Field<StudentArchitecture> ARCHITECTURE = Field.choice("student.architecture",
            StudentArchitecture.class, StudentArchitecture.MLP);
    static final Field<List<Integer>> HIDDEN = Field.integers("student.hidden", List.of(128), Range.closed(1, 65_536));
    static final Field<List<Integer>> CHANNELS = Field.integers("student.channels", List.of(16, 32),
            Range.closed(1, 4_096));
    static final Field<String> MODEL = Field.text("student.model", null);
    static final Field<UpdaterKind> UPDATER = Field.choice("student.updater", UpdaterKind.class, UpdaterKind.ADAM);
    static final Field<Double> LEARNING_RATE = Field.number("student.learningRate", 0.001, Range.openClosed(0, 10));
    static final Field<LearningRateSchedule> SCHEDULE = Field.choice("student.learningRateSchedule",
            LearningRateSchedule.class, LearningRateSchedule.LINEAR);

    /** The student used when the configuration names none of these keys. */
    public static final StudentConfig DEFAULT = new StudentConfig(ARCHITECTURE.fallback(), HIDDEN.fallback(),
            CHANNELS.fallback(), null, UPDATER.fallback(), LEARNING_RATE.fallback(), SCHEDULE.fallback());

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public StudentConfig {
        architecture = ARCHITECTURE.require(architecture);
        hidden = HIDDEN.require(hidden);
        channels = CHANNELS.require(channels);
        model = MODEL.require(model);
        updater = UPDATER.require(updater);
        learningRate = LEARNING_RATE.require(learningRate);
        learningRateSchedule = SCHEDULE.require(learningRateSchedule);
    }

    /** A fully connected student of the {@code hidden} widths. */
    public StudentConfig(List<Integer> hidden, UpdaterKind updater, double learningRate,
            LearningRateSchedule learningRateSchedule) {
        this(StudentArchitecture.MLP, hidden, CHANNELS.fallback(), null, updater, learningRate, learningRateSchedule);
    }
}
