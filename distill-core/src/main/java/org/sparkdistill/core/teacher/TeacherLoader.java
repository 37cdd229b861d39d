package org.sparkdistill.core.teacher;

import java.nio.file.Path;
import java.util.stream.LongStream;
import org.deeplearning4j.nn.api.Model;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.teacher.onnx.OnnxTeacher;

/** Builds a {@link Teacher} from a local model file in any {@link TeacherFormat}, as its description says. */
public final class TeacherLoader {
    private static final String WHAT = "teacher model file";

    private TeacherLoader() {}

    /**
     * The format of the model file: the one the description names, checked against the file's first bytes, or the
     * one those bytes show.
     *
     * @throws InvalidInputException naming the file when its bytes are not the format named, or no known format
     */
    public static TeacherFormat formatOf(Path file, String origin, TeacherDescription description) {
        if (description.format() == null) {
            return TeacherFormat.detect(file, origin);
        }
        description.format().require(file, origin);
        return description.format();
    }

    /**
     * Loads the teacher in {@code file}.
     *
     * @param name the teacher's name in messages and reports
     * @param origin the file's location in messages (its place in storage when {@code file} is a local copy)
     * @param dataShape the data's example shape, channels first
     * @param threads the cores the teacher may use for one batch
     * @throws InvalidInputException naming the file or teacher when the file is refused or does not fit the data
     */
    public static Teacher load(Path file, String name, String origin, TeacherDescription description, long[] dataShape,
            int threads) {
        return switch (formatOf(file, origin, description)) {
            case DL4J -> dl4j(ModelZip.read(file, WHAT, origin), name, description, dataShape);
            case KERAS -> KerasModels.teacher(file, name, origin, description, dataShape);
            case ONNX -> OnnxTeacher.load(file, name, origin, description, dataShape, threads);
        };
    }

    /**
     * A teacher from a checked DL4J model zip. The network takes flat rows, as spark-distill's own networks do,
     * unless the description gives an input shape.
     */
    static Teacher dl4j(ModelZip zip, String name, TeacherDescription description, long[] dataShape) {
        Model model = zip.network();
        long[] flat = description.input().shape() != null ? null
                : new long[] {-1, LongStream.of(dataShape).reduce(1, Math::multiplyExact)};
        try {
            return Dl4jTeacher.of(name, model, dataShape, description, flat);
        } catch (RuntimeException e) {
            NetworkMemory.release(model);
            throw e;
        }
    }
}
