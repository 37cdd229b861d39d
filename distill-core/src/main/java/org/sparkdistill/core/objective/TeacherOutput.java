package org.sparkdistill.core.objective;

import java.io.Serializable;
import org.sparkdistill.core.InvalidInputException;

/**
 * A named output of one teacher of the ensemble, such as the activation of an inner layer, flattened to
 * {@code [N, width]}.
 *
 * @param teacher the teacher's position in the ensemble, from 0
 * @param name the output's name: an ONNX tensor, a Keras or DL4J layer
 * @param width the values per example
 */
public record TeacherOutput(int teacher, String name, long width) implements Serializable {
    public TeacherOutput {
        if (teacher < 0) {
            throw new InvalidInputException("teacher output '" + name + "': teacher index " + teacher + " must be >= 0");
        }
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("a teacher output needs a name, got '" + name + "'");
        }
        if (width < 1) {
            throw new InvalidInputException("teacher output '" + name + "' of teacher " + teacher + ": width " + width
                    + " must be >= 1");
        }
    }

    @Override
    public String toString() {
        return "'" + name + "' of teacher " + teacher + " (" + width + " values)";
    }
}
