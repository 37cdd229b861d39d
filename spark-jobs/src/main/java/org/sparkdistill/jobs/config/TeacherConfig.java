package org.sparkdistill.jobs.config;

import java.util.List;
import org.sparkdistill.core.teacher.ChannelLayout;
import org.sparkdistill.core.teacher.OutputKind;
import org.sparkdistill.core.teacher.TeacherDescription;
import org.sparkdistill.core.teacher.TeacherFormat;
import org.sparkdistill.core.teacher.TeacherInput;

/**
 * One teacher: its model file, its weight in a fixed-weight ensemble, and how to run it.
 *
 * @param path the model file
 * @param weight finite and positive; only {@link org.sparkdistill.core.teacher.EnsembleWeighting#FIXED} uses it
 * @param format the model file's format, or null to detect it from the file
 * @param layout the model's channel layout, or null to infer it from the model
 * @param shape the model's example shape in its own layout, or null for the model's or the data's
 * @param scale multiplies every input value first
 * @param mean subtracted per channel after scaling, or null for none
 * @param std divides per channel after the mean, or null for none
 * @param output the model output that gives the predictions, or null for its only one
 * @param outputKind whether that output is logits or probabilities, or null to tell from the model
 * @param hints intermediate outputs offered as hints, possibly none
 */
public record TeacherConfig(String path, double weight, TeacherFormat format, ChannelLayout layout, List<Integer> shape,
                            double scale, List<Double> mean, List<Double> std, String output, OutputKind outputKind,
                            List<String> hints) {
    static final Field<String> PATH = Field.requiredText("teachers[].path");
    static final Field<Double> WEIGHT = Field.number("teachers[].weight", 1.0, Range.finiteAbove(0));
    static final Field<TeacherFormat> FORMAT = Field.choice("teachers[].format", TeacherFormat.class, null);
    static final Field<ChannelLayout> LAYOUT = Field.choice("teachers[].input.layout", ChannelLayout.class, null);
    static final Field<List<Integer>> SHAPE = Field.integers("teachers[].input.shape", null,
            Range.closed(1, Integer.MAX_VALUE));
    static final Field<Double> SCALE = Field.number("teachers[].input.scale", 1.0, Range.finiteAbove(0));
    static final Field<List<Double>> MEAN = Field.numbers("teachers[].input.mean", null, Range.finite());
    static final Field<List<Double>> STD = Field.numbers("teachers[].input.std", null, Range.finiteAbove(0));
    static final Field<String> OUTPUT = Field.text("teachers[].output", null);
    static final Field<OutputKind> OUTPUT_KIND = Field.choice("teachers[].outputKind", OutputKind.class, null);
    static final Field<List<String>> HINTS = Field.names("teachers[].hints", List.of());

    /** The keys of a teacher's map, in the order they are written. */
    static final List<Field<?>> FIELDS = List.of(PATH, WEIGHT, FORMAT, OUTPUT, OUTPUT_KIND, HINTS);
    /** The keys of a teacher's {@code input} map, in the order they are written. */
    static final List<Field<?>> INPUT_FIELDS = List.of(LAYOUT, SHAPE, SCALE, MEAN, STD);

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public TeacherConfig {
        path = PATH.require(path);
        weight = WEIGHT.require(weight);
        shape = SHAPE.require(shape);
        scale = SCALE.require(scale);
        mean = MEAN.require(mean);
        std = STD.require(std);
        output = OUTPUT.require(output);
        hints = HINTS.require(hints == null ? List.of() : hints);
    }

    /** A teacher whose format, input and output are all taken from its file and the data. */
    public TeacherConfig(String path, double weight) {
        this(path, weight, null, null, null, 1.0, null, null, null, null, List.of());
    }

    /** How to run the teacher, as the core library takes it. */
    public TeacherDescription description() {
        TeacherInput input = new TeacherInput(layout, shape == null ? null : shape.stream().mapToLong(d -> d).toArray(),
                scale, mean == null ? null : mean.stream().mapToDouble(d -> d).toArray(),
                std == null ? null : std.stream().mapToDouble(d -> d).toArray());
        return new TeacherDescription(format, input, output, outputKind, hints);
    }
}
