package org.sparkdistill.jobs.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.StudentArchitecture;

/**
 * One entry of {@code student.peers}: a peer student that trains beside the others. A key it leaves out takes the
 * value of the {@code student} section; the optimizer and learning rate are always the section's.
 *
 * @param architecture mlp, cnn or resnet, or null for {@code student.architecture}
 * @param hidden the dense widths, or null for {@code student.hidden}
 * @param channels the convolution widths, or null for {@code student.channels}
 * @param model a DL4J model zip to start from, or null for {@code student.model}
 */
public record PeerConfig(StudentArchitecture architecture, List<Integer> hidden, List<Integer> channels, String model) {
    static final Field<StudentArchitecture> ARCHITECTURE = Field.choice("student.peers[].architecture",
            StudentArchitecture.class, null);
    static final Field<List<Integer>> HIDDEN = Field.integers("student.peers[].hidden", null, Range.closed(1, 65_536));
    static final Field<List<Integer>> CHANNELS = Field.integers("student.peers[].channels", null,
            Range.closed(1, 4_096));
    static final Field<String> MODEL = Field.text("student.peers[].model", null);

    /** The keys of a peer's map, in the order they are written. */
    static final List<Field<?>> FIELDS = List.of(ARCHITECTURE, HIDDEN, CHANNELS, MODEL);

    public PeerConfig {
        hidden = hidden == null ? null : List.copyOf(hidden);
        channels = channels == null ? null : List.copyOf(channels);
    }

    /**
     * The peer a parsed YAML map describes.
     *
     * @throws InvalidInputException naming every unknown key and invalid value
     */
    static PeerConfig of(Map<?, ?> item) {
        List<String> problems = new ArrayList<>();
        Set<String> known = new TreeSet<>(FIELDS.stream().map(Field::leaf).toList());
        item.keySet().stream().map(String::valueOf).filter(k -> !known.contains(k))
                .forEach(k -> problems.add(Schema.unknown(k, known)));
        StudentArchitecture architecture = readOptional(ARCHITECTURE, item, problems);
        List<Integer> hidden = readOptional(HIDDEN, item, problems);
        List<Integer> channels = readOptional(CHANNELS, item, problems);
        String model = readOptional(MODEL, item, problems);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(String.join("; ", problems));
        }
        return new PeerConfig(architecture, hidden, channels, model);
    }

    private static <T> T readOptional(Field<T> field, Map<?, ?> item, List<String> problems) {
        Object raw = item.get(field.leaf());
        return raw == null ? null : field.read(field.leaf(), raw, problems);
    }

    /** The student this peer is: {@code student}'s settings with this peer's keys in their place, and no peers. */
    public StudentConfig within(StudentConfig student) {
        return new StudentConfig(architecture == null ? student.architecture() : architecture,
                hidden == null ? student.hidden() : hidden, channels == null ? student.channels() : channels,
                model == null ? student.model() : model, student.updater(), student.learningRate(),
                student.learningRateSchedule());
    }

    /** The peer as a YAML flow map of the keys it sets. */
    String toYaml() {
        List<String> entries = new ArrayList<>();
        if (architecture != null) {
            entries.add("architecture: " + ARCHITECTURE.toYaml(architecture));
        }
        if (hidden != null) {
            entries.add("hidden: " + HIDDEN.toYaml(hidden));
        }
        if (channels != null) {
            entries.add("channels: " + CHANNELS.toYaml(channels));
        }
        if (model != null) {
            entries.add("model: " + MODEL.toYaml(model));
        }
        return "{" + String.join(", ", entries) + "}";
    }
}
