package org.sparkdistill.core.teacher.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.InputTransform;
import org.sparkdistill.core.teacher.TeacherDescription;

/**
 * The checks that an ONNX model can serve as a teacher: one float input with a free batch size that the data fits,
 * one chosen output whose values are {@code [N, classes]}, and hints that name tensors of its graph. Each names the
 * file or the teacher, what it found and what it expected.
 */
final class OnnxModelChecks {
    private static final int NAMES_SHOWN = 12;

    private OnnxModelChecks() {}

    /** Refuses a hint that names no tensor of the graph. */
    static void requireTensor(String name, List<String> tensors, String hint) {
        if (!tensors.contains(hint)) {
            throw new InvalidInputException("teacher '" + name + "' has no tensor '" + hint + "'; its tensors: "
                    + shown(tensors));
        }
    }

    private static String shown(List<String> names) {
        return names.size() <= NAMES_SHOWN ? String.join(", ", names)
                : String.join(", ", names.subList(0, NAMES_SHOWN)) + ", … (" + names.size() + " in all)";
    }

    /** Fits the description's input to the session's only input and the data. */
    static InputTransform bind(String name, String origin, TeacherDescription description, long[] dataShape,
            OrtSession session) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new InvalidInputException("teacher model file " + origin + " has " + inputs.size() + " inputs ("
                    + String.join(", ", inputs.keySet()) + "); a teacher model must have exactly 1");
        }
        NodeInfo input = inputs.values().iterator().next();
        if (!(input.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw new InvalidInputException("teacher model file " + origin + " has input '" + input.getName()
                    + "' of " + input.getInfo() + "; a teacher model must take a float tensor");
        }
        long[] declared = tensor.getShape();
        if (declared.length < 2 || declared[0] > 0) {
            throw new InvalidInputException("teacher model file " + origin + " declares input '" + input.getName()
                    + "' of shape " + Arrays.toString(declared) + "; a teacher model must take [batch, …] with a free"
                    + " batch size (export it with a dynamic batch axis)");
        }
        try {
            return description.input().bind(name, dataShape, declared);
        } catch (InvalidInputException e) {
            throw name.equals(origin) ? e
                    : new InvalidInputException(e.getMessage() + " (teacher model file " + origin + ")", e);
        }
    }

    /** The output chosen in the description, or the model's only one. */
    static String chooseOutput(String name, String origin, String chosen, List<String> outputs) {
        if (chosen != null) {
            if (!outputs.contains(chosen)) {
                throw new InvalidInputException("teacher '" + name + "' (" + origin + ") has no output '" + chosen
                        + "'; its outputs: " + String.join(", ", outputs));
            }
            return chosen;
        }
        if (outputs.size() != 1) {
            throw new InvalidInputException("teacher model file " + origin + " has " + outputs.size() + " outputs ("
                    + String.join(", ", outputs) + "); choose one with teachers[].output");
        }
        return outputs.get(0);
    }

    /** Refuses a prediction output that is not {@code [N, classes]}, as the probe run found it. */
    static void requirePredictions(String name, String origin, String output, OnnxRunner runner) {
        long[] example = runner.exampleShape(output);
        if (example == null || example.length != 1) {
            throw new InvalidInputException("teacher '" + name + "' (" + origin + ") output '" + output + "' "
                    + (example == null ? runner.whyUnfetchable(output)
                            : "has shape [1, " + join(example) + "] for one example")
                    + "; a teacher's predictions must have shape [N, classes]");
        }
    }

    /** Refuses a hint whose values the probe run found not to be float with the batch as their first axis. */
    static void requireHints(String name, String origin, List<String> hints, OnnxRunner runner) {
        for (String hint : hints) {
            if (!runner.has(hint)) {
                throw new InvalidInputException("teacher '" + name + "' (" + origin + ") hint '" + hint + "' "
                        + runner.whyUnfetchable(hint) + "; a hint must be float, with the batch as its first axis");
            }
        }
    }

    private static String join(long[] shape) {
        return String.join(", ", LongStream.of(shape).mapToObj(Long::toString).toList());
    }
}
