package org.sparkdistill.jobs.config;

import java.util.List;
import org.sparkdistill.core.InvalidInputException;
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
 * @param peers two or more peer students that train together (deep mutual learning), each these settings with its
 *     own keys in their place; empty for a lone student; an unmodifiable copy
 * @param keep which peer becomes the run's student: {@code best} (the most accurate on the held-out data) or a peer's
 *     position from 0
 */
public record StudentConfig(StudentArchitecture architecture, List<Integer> hidden, List<Integer> channels,
                            String model, UpdaterKind updater, double learningRate,
                            LearningRateSchedule learningRateSchedule, List<PeerConfig> peers, String keep) {
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
    static final Field<List<PeerConfig>> PEERS = Field.records("student.peers", PeerConfig.class, PeerConfig::of,
            PeerConfig::toYaml);
    /** The value of {@code student.keep} that keeps the most accurate peer. */
    public static final String BEST = "best";
    static final Field<String> KEEP = Field.textAccepted("student.keep", BEST, StudentConfig::checkKeep);

    /** The student used when the configuration names none of these keys. */
    public static final StudentConfig DEFAULT = new StudentConfig(ARCHITECTURE.fallback(), HIDDEN.fallback(),
            CHANNELS.fallback(), null, UPDATER.fallback(), LEARNING_RATE.fallback(), SCHEDULE.fallback(), List.of(),
            BEST);

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public StudentConfig {
        architecture = ARCHITECTURE.require(architecture);
        hidden = HIDDEN.require(hidden);
        channels = CHANNELS.require(channels);
        model = MODEL.require(model);
        updater = UPDATER.require(updater);
        learningRate = LEARNING_RATE.require(learningRate);
        learningRateSchedule = SCHEDULE.require(learningRateSchedule);
        peers = PEERS.require(peers == null ? List.of() : peers);
        keep = KEEP.require(keep == null ? BEST : keep);
        if (peers.size() == 1) {
            throw new InvalidInputException(PEERS.key() + " lists 1 peer: peers learn from each other, so give two or "
                    + "more, or none for a lone student");
        }
        if (!keep.equals(BEST) && Integer.parseInt(keep) >= Math.max(1, peers.size())) {
            throw new InvalidInputException(KEEP.key() + " = " + keep + ": there " + (peers.isEmpty()
                    ? "are no peers (student.peers is empty)" : "are " + peers.size() + " peers, 0 to " + (peers.size()
                    - 1)));
        }
    }

    /** A student without peers. */
    public StudentConfig(StudentArchitecture architecture, List<Integer> hidden, List<Integer> channels, String model,
            UpdaterKind updater, double learningRate, LearningRateSchedule learningRateSchedule) {
        this(architecture, hidden, channels, model, updater, learningRate, learningRateSchedule, List.of(), BEST);
    }

    /** Each peer as a student of its own, in order; empty for a lone student. */
    public List<StudentConfig> peerStudents() {
        return peers.stream().map(peer -> peer.within(this)).toList();
    }

    private static void checkKeep(String value) {
        if (!value.equals(BEST) && !value.matches("\\d{1,4}")) {
            throw new IllegalArgumentException("must be best or a peer's position (0, 1, ...)");
        }
    }

    /** A fully connected student of the {@code hidden} widths. */
    public StudentConfig(List<Integer> hidden, UpdaterKind updater, double learningRate,
            LearningRateSchedule learningRateSchedule) {
        this(StudentArchitecture.MLP, hidden, CHANNELS.fallback(), null, updater, learningRate, learningRateSchedule);
    }
}
