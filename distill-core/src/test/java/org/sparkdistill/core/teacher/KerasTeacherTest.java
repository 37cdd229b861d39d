package org.sparkdistill.core.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.sparkdistill.core.InvalidInputException;

/** Keras HDF5 teachers, imported by DL4J, against the outputs their fixtures' script computed. */
class KerasTeacherTest implements TeacherContract {
    static final double TOLERANCE = 1e-5;

    @Override
    public Teacher newTeacher() {
        return load("functional.h5", new TeacherDescription(null, null, null, null, List.of("hidden")));
    }

    @Override
    public int featureCount() {
        return 8;
    }

    static Teacher load(String model, TeacherDescription description) {
        Reference reference = Reference.of(model);
        return TeacherLoader.load(reference.model(), model, reference.model().toString(), description,
                reference.rowShape(), 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sequential.h5", "functional.h5", "fashion-mnist-cnn.h5"})
    void everyFixtureMatchesItsReference(String model) {
        Reference reference = Reference.of(model);
        JsonNode prediction = reference.prediction();
        List<String> hints = reference.intermediate().stream().map(t -> t.get("name").asText()).toList();
        try (Teacher teacher = load(model, reference.description().withHints(hints))) {
            INDArray rows = reference.rows();
            INDArray logits = teacher.logits(rows);
            boolean probabilities = prediction.get("kind").asText().equals("probabilities");
            assertClose(reference.expected(prediction.get("name").asText()),
                    probabilities ? Transforms.exp(logits, true) : logits, model);
            List<INDArray> activations = teacher.activations(rows, hints);
            for (int k = 0; k < hints.size(); k++) {
                assertClose(Reference.matrix(reference.intermediate().get(k).get("expected")), activations.get(k),
                        model + " " + hints.get(k));
            }
        }
    }

    @Test
    void theFashionMnistTeacherPredictsWhatPyTorchPredicts() {
        Reference reference = Reference.of("fashion-mnist-cnn.h5");
        try (Teacher teacher = load("fashion-mnist-cnn.h5", TeacherDescription.DETECTED)) {
            INDArray logits = teacher.logits(reference.rows());
            JsonNode expected = reference.json().get("torch_float32_argmax");
            for (int i = 0; i < logits.size(0); i++) {
                assertEquals(expected.get(i).asInt(), logits.getRow(i).argMax().getInt(0), "image " + i);
            }
        }
    }

    @Test
    void aKerasModelTakesItsDeclaredChannelsLastInputFromChannelsFirstRows() {
        Reference reference = Reference.of("sequential.h5");
        try (Teacher explicit = load("sequential.h5", new TeacherDescription(TeacherFormat.KERAS,
                new TeacherInput(ChannelLayout.NHWC, new long[] {4, 4, 3}, 1, null, null), null,
                OutputKind.PROBABILITIES, List.of()));
                Teacher inferred = load("sequential.h5", TeacherDescription.DETECTED)) {
            assertClose(inferred.logits(reference.rows()), explicit.logits(reference.rows()), "explicit settings");
        }
    }

    @Test
    void anUnknownHintAndAnOutputThatDoesNotExistAreRefusedNamingThem() {
        InvalidInputException hint = assertThrows(InvalidInputException.class, () -> load("functional.h5",
                TeacherDescription.DETECTED.withHints(List.of("fc9"))));
        assertTrue(hint.getMessage().startsWith("teacher 'functional.h5' has no layer 'fc9'; its layers (graph"
                + " vertices): "), hint.getMessage());
        InvalidInputException output = assertThrows(InvalidInputException.class, () -> load("functional.h5",
                new TeacherDescription(null, null, "scores", null, List.of())));
        assertTrue(output.getMessage().startsWith("teacher 'functional.h5' has no output 'scores'; its outputs: "),
                output.getMessage());
    }

    @Test
    void aKerasModelWhoseInputDoesNotFitTheDataIsRefused() {
        Path file = Reference.TEACHERS.resolve("fashion-mnist-cnn.h5");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TeacherLoader.load(file, "cnn.h5",
                file.toString(), TeacherDescription.DETECTED, new long[] {3, 32, 32}, 1));
        assertEquals("teacher 'cnn.h5' takes examples of shape [28, 28, 1] (784 values), but the data's have shape"
                + " [3, 32, 32] (3072 values)", e.getMessage());
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(List.of(expected.shape()[0], expected.shape()[1]), List.of(actual.shape()[0], actual.shape()[1]),
                what + " shape");
        double difference = expected.castTo(actual.dataType()).sub(actual).amaxNumber().doubleValue();
        assertTrue(difference <= TOLERANCE, what + ": largest difference " + difference);
    }
}
