package org.sparkdistill.core.teacher;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Everything about a teacher model besides its file: its format, how it wants its input, which of its outputs gives
 * the predictions and what that output holds, and which intermediate outputs serve as hints.
 *
 * @param format the file's format, or null to detect it from the file's first bytes
 * @param input the input layout, shape, scaling and normalisation
 * @param output the name of the output that gives the predictions (an ONNX graph output, a ComputationGraph's output
 *     vertex), or null when the model has exactly one
 * @param outputKind what that output holds, or null to tell from the model (a softmax is probabilities; anything else
 *     is taken as logits)
 * @param hints intermediate outputs whose values are offered as hints, in this order: ONNX tensor names, Keras layer
 *     names, DL4J layer names or indices
 */
public record TeacherDescription(TeacherFormat format, TeacherInput input, String output, OutputKind outputKind,
                                 List<String> hints) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A model whose format, input, output and output kind are all taken from the file and the data, with no hints. */
    public static final TeacherDescription DETECTED = new TeacherDescription(null, TeacherInput.AS_DATA, null, null,
            List.of());

    public TeacherDescription {
        input = input == null ? TeacherInput.AS_DATA : input;
        hints = hints == null ? List.of() : List.copyOf(hints);
    }

    /**
     * How the model is run, as one line of text: equal lines run the same model file the same way. The hints are left
     * out; what is not set reads {@code auto}.
     */
    public String settings() {
        return "format=" + (format == null ? "auto" : format.key())
                + " layout=" + (input.layout() == null ? "auto" : input.layout().name())
                + " shape=" + (input.shape() == null ? "auto" : Arrays.toString(input.shape()))
                + " scale=" + input.scale()
                + " mean=" + Arrays.toString(input.mean())
                + " std=" + Arrays.toString(input.std())
                + " output=" + (output == null ? "auto" : output)
                + " outputKind=" + (outputKind == null ? "auto" : outputKind.name().toLowerCase(Locale.ROOT));
    }

    /** This description with its format set to {@code format}. */
    public TeacherDescription withFormat(TeacherFormat format) {
        return new TeacherDescription(format, input, output, outputKind, hints);
    }

    /** This description with {@code hints} as its hint outputs. */
    public TeacherDescription withHints(List<String> hints) {
        return new TeacherDescription(format, input, output, outputKind, hints);
    }
}
