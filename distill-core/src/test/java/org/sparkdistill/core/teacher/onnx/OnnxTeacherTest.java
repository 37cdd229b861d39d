package org.sparkdistill.core.teacher.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.ChannelLayout;
import org.sparkdistill.core.teacher.OutputKind;
import org.sparkdistill.core.teacher.Reference;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherContract;
import org.sparkdistill.core.teacher.TeacherDescription;
import org.sparkdistill.core.teacher.TeacherInput;

class OnnxTeacherTest implements TeacherContract {
    static final double TOLERANCE = 1e-5;
    static final Path MLP = Reference.TEACHERS.resolve("mlp.onnx");
    static final Path REFUSED = Path.of("src/test/resources/onnx");
    static final String RELU = "/relu/Relu_output_0";
    static final String GEMM = "/fc1/Gemm_output_0";

    @TempDir
    Path dir;

    @Override
    public Teacher newTeacher() {
        return mlp(TeacherDescription.DETECTED);
    }

    @Override
    public int featureCount() {
        return 8;
    }

    static OnnxTeacher mlp(TeacherDescription description) {
        return OnnxTeacher.load(MLP, "mlp.onnx", MLP.toString(), description, new long[] {8}, 1);
    }

    static Stream<String> onnxModels() throws IOException {
        return Reference.onnxModels();
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(List.of(expected.shape()[0], expected.shape()[1]), List.of(actual.shape()[0], actual.shape()[1]),
                what);
        assertEquals(0, expected.sub(actual).amaxNumber().doubleValue(), TOLERANCE, what);
    }

    @ParameterizedTest
    @MethodSource("onnxModels")
    void everyFixtureMatchesItsReference(String model) {
        Reference reference = Reference.of(model);
        JsonNode prediction = reference.prediction();
        String output = prediction.get("name").asText();
        List<String> hints = reference.intermediate().stream().map(t -> t.get("name").asText()).toList();
        try (OnnxTeacher teacher = OnnxTeacher.load(reference.model(), model, reference.model().toString(),
                reference.description(), reference.rowShape(), 2)) {
            INDArray logits = teacher.logits(reference.rows());
            boolean probabilities = prediction.get("kind").asText().equals("probabilities");
            assertEquals(probabilities ? OutputKind.PROBABILITIES : OutputKind.LOGITS, teacher.outputKind(), model);
            assertClose(reference.expected(output), probabilities ? Transforms.exp(logits, true) : logits,
                    model + " " + output);
            if (reference.json().has("torch_float32_argmax")) {
                int[] argmax = new int[(int) logits.size(0)];
                for (int i = 0; i < argmax.length; i++) {
                    argmax[i] = logits.getRow(i).argMax().getInt(0);
                }
                assertEquals(reference.json().get("torch_float32_argmax").toString(),
                        Arrays.toString(argmax).replace(" ", ""), model + " predicted classes");
            }
            List<INDArray> activations = teacher.activations(reference.rows(), hints);
            for (int k = 0; k < hints.size(); k++) {
                assertClose(Reference.matrix(reference.intermediate().get(k).get("expected")), activations.get(k),
                        model + " " + hints.get(k));
            }
        }
    }

    @Test
    void aModelWithTwoOutputsIsRefusedUntilOneIsChosen() {
        Path file = Reference.TEACHERS.resolve("two-outputs.onnx");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OnnxTeacher.load(file, "t",
                "hdfs:///teachers/two-outputs.onnx", TeacherDescription.DETECTED, new long[] {8}, 1));
        assertEquals("teacher model file hdfs:///teachers/two-outputs.onnx has 2 outputs (logits, hidden);"
                + " choose one with teachers[].output", e.getMessage());

        Reference reference = Reference.of("two-outputs.onnx");
        TeacherDescription logits = new TeacherDescription(null, null, "logits", null, List.of("hidden"));
        try (OnnxTeacher teacher = OnnxTeacher.load(file, "t", file.toString(), logits, new long[] {8}, 1)) {
            List<INDArray> both = teacher.logitsAndActivations(reference.rows(), List.of("hidden"));
            assertClose(reference.expected("logits"), both.get(0), "logits");
            assertClose(reference.expected("hidden"), both.get(1), "hidden");
        }
    }

    @Test
    void anUnknownOutputIsRefusedListingTheModelsOutputs() {
        Path file = Reference.TEACHERS.resolve("two-outputs.onnx");
        TeacherDescription probs = new TeacherDescription(null, null, "probs", null, List.of());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> OnnxTeacher.load(file, "t", "two-outputs.onnx", probs, new long[] {8}, 1));
        assertEquals("teacher 't' (two-outputs.onnx) has no output 'probs'; its outputs: logits, hidden",
                e.getMessage());
    }

    @Test
    void anInternalNodeServesAsAHintFromTheSameRunAsTheLogits() {
        Reference reference = Reference.of("mlp.onnx");
        try (OnnxTeacher teacher = mlp(TeacherDescription.DETECTED.withHints(List.of(RELU)))) {
            List<INDArray> values = teacher.logitsAndActivations(reference.rows(), List.of(RELU));
            assertClose(reference.expected("logits"), values.get(0), "logits");
            assertClose(Reference.matrix(reference.intermediate().get(0).get("expected")), values.get(1), RELU);
        }
    }

    @Test
    void aTensorNotNamedAsAHintIsFetchedTooFromAWidenedSession() {
        Reference reference = Reference.of("mlp.onnx");
        try (OnnxTeacher teacher = mlp(TeacherDescription.DETECTED.withHints(List.of(RELU)))) {
            List<INDArray> values = teacher.activations(reference.rows(), List.of(GEMM, RELU));
            assertClose(Reference.matrix(reference.intermediate().get(1).get("expected")), values.get(0), GEMM);
            assertClose(Reference.matrix(reference.intermediate().get(0).get("expected")), values.get(1), RELU);
            assertClose(reference.expected("logits"), teacher.logits(reference.rows()), "logits after widening");
        }
    }

    @Test
    void theLayersAreTheGraphsTensorsInGraphOrder() {
        try (OnnxTeacher teacher = mlp(TeacherDescription.DETECTED)) {
            assertEquals(List.of(GEMM, RELU, "logits"), teacher.layerNames());
        }
    }

    @Test
    void anUnknownHintIsRefusedAtLoadNamingTheTeacherAndTheTensors() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> mlp(TeacherDescription.DETECTED.withHints(List.of("/relu2"))));
        assertEquals("teacher 'mlp.onnx' has no tensor '/relu2'; its tensors: " + GEMM + ", " + RELU + ", logits",
                e.getMessage());
    }

    @Test
    void aSoftmaxOutputIsTakenAsProbabilitiesUnlessTheDescriptionSaysOtherwise() {
        Reference reference = Reference.of("cnn-nhwc.onnx");
        Path file = reference.model();
        try (OnnxTeacher detected = OnnxTeacher.load(file, "cnn", file.toString(), TeacherDescription.DETECTED,
                        new long[] {3, 4, 4}, 1);
                OnnxTeacher described = OnnxTeacher.load(file, "cnn", file.toString(),
                        new TeacherDescription(null, null, null, OutputKind.LOGITS, List.of()), new long[] {3, 4, 4},
                        1)) {
            assertEquals(OutputKind.PROBABILITIES, detected.outputKind());
            assertEquals(OutputKind.LOGITS, described.outputKind());
            INDArray x = reference.rows();
            assertClose(reference.expected("probabilities"), described.logits(x), "probabilities as they are");
            assertClose(Transforms.log(reference.expected("probabilities")), detected.logits(x), "log-probabilities");
        }
    }

    @Test
    void itsParametersAreTheValuesOfTheModelsInitializers() {
        // Conv2d(3, 4, 3) holds 4·3·3·3 weights and 4 biases, Linear(64, 5) 64·5 and 5: 112 + 325.
        Reference cnn = Reference.of("cnn-nhwc.onnx");
        TeacherInput nhwc = new TeacherInput(ChannelLayout.NHWC, null, 1, null, null);
        try (OnnxTeacher teacher = OnnxTeacher.load(cnn.model(), "cnn", "cnn-nhwc.onnx",
                new TeacherDescription(null, nhwc, null, null, List.of()), new long[] {3, 4, 4}, 1)) {
            assertEquals(437, teacher.parameterCount().orElseThrow());
        }
    }

    @Test
    void channelsLastAndNormalisationComeFromTheTeachersInput() {
        Reference cnn = Reference.of("cnn-nhwc.onnx");
        TeacherInput nhwc = new TeacherInput(ChannelLayout.NHWC, null, 1, null, null);
        try (OnnxTeacher teacher = OnnxTeacher.load(cnn.model(), "cnn", "cnn-nhwc.onnx",
                new TeacherDescription(null, nhwc, null, null, List.of()), new long[] {3, 4, 4}, 1)) {
            assertClose(cnn.expected("probabilities"), Transforms.exp(teacher.logits(cnn.rows()), true), "NHWC");
        }
        Reference normalized = Reference.of("normalized.onnx");
        TeacherInput scaled = new TeacherInput(null, null, 255, new double[] {0.5}, new double[] {0.25});
        TeacherDescription described = new TeacherDescription(null, scaled, null, null, List.of());
        try (OnnxTeacher teacher = OnnxTeacher.load(normalized.model(), "n", "normalized.onnx", described,
                new long[] {1, 2, 2}, 1);
                OnnxTeacher raw = OnnxTeacher.load(normalized.model(), "n", "normalized.onnx",
                        TeacherDescription.DETECTED, new long[] {1, 2, 2}, 1)) {
            assertClose(normalized.expected("logits"), teacher.logits(normalized.rows()), "normalised");
            double gap = normalized.expected("logits").sub(raw.logits(normalized.rows())).amaxNumber().doubleValue();
            assertTrue(gap > 1, "without the normalisation the logits differ, by " + gap);
        }
    }

    @Test
    void aModelWhoseInputDoesNotFitTheDataIsRefusedNamingTheFileAndBothShapes() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OnnxTeacher.load(MLP, "teacher-0",
                "hdfs:///teachers/mlp.onnx", TeacherDescription.DETECTED, new long[] {10}, 1));
        assertEquals("teacher 'teacher-0' takes examples of shape [8] (8 values), but the data's have shape [10]"
                + " (10 values) (teacher model file hdfs:///teachers/mlp.onnx)", e.getMessage());
    }

    @Test
    void aFileThatIsNotOnnxIsRefusedNamingIt() throws IOException {
        Path text = Files.writeString(dir.resolve("teacher.onnx"), "not a model\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OnnxTeacher.load(text, "t",
                "s3a://bucket/teacher.onnx", TeacherDescription.DETECTED, new long[] {8}, 1));
        assertTrue(e.getMessage().startsWith("teacher model file s3a://bucket/teacher.onnx is not"), e.getMessage());

        Path zeros = Files.write(dir.resolve("zeros.onnx"), new byte[] {0x08, 0x07, 0x3a, 0x02, 0x0a, 0x00});
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> OnnxTeacher.load(zeros, "t",
                "zeros.onnx", TeacherDescription.DETECTED, new long[] {8}, 1));
        assertTrue(refused.getMessage().startsWith("teacher model file zeros.onnx is not"), refused.getMessage());

        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> OnnxTeacher.load(
                dir.resolve("absent.onnx"), "t", "absent.onnx", TeacherDescription.DETECTED, new long[] {8}, 1));
        assertEquals("teacher model file absent.onnx does not exist", missing.getMessage());
    }

    @Test
    void aModelWithTwoInputsIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OnnxTeacher.load(
                REFUSED.resolve("two-inputs.onnx"), "t", "two-inputs.onnx", TeacherDescription.DETECTED,
                new long[] {8}, 1));
        assertEquals("teacher model file two-inputs.onnx has 2 inputs (x, y); a teacher model must have exactly 1",
                e.getMessage());
    }

    @Test
    void aModelWithAFixedBatchSizeIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OnnxTeacher.load(
                REFUSED.resolve("fixed-batch.onnx"), "t", "fixed-batch.onnx", TeacherDescription.DETECTED,
                new long[] {8}, 1));
        assertTrue(e.getMessage().startsWith("teacher model file fixed-batch.onnx declares input 'input' of shape"
                + " [2, 8]; a teacher model must take [batch, …] with a free batch size"), e.getMessage());
    }

    @Test
    void anOutputThatIsNotBatchByClassesIsRefusedAtLoad() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OnnxTeacher.load(
                REFUSED.resolve("rank3-output.onnx"), "t", "rank3-output.onnx", TeacherDescription.DETECTED,
                new long[] {8}, 1));
        assertEquals("teacher 't' (rank3-output.onnx) output 'output' has shape [1, 2, 3] for one example;"
                + " a teacher's predictions must have shape [N, classes]", e.getMessage());
    }

    @Test
    void aTensorThatIsNotFloatWithTheBatchFirstIsRefusedAsAHint() {
        Path file = REFUSED.resolve("shape-constant.onnx");
        InvalidInputException atLoad = assertThrows(InvalidInputException.class, () -> OnnxTeacher.load(file, "t",
                "shape-constant.onnx", TeacherDescription.DETECTED.withHints(List.of("/Constant_output_0")),
                new long[] {8}, 1));
        assertTrue(atLoad.getMessage().startsWith("teacher 't' (shape-constant.onnx) hint '/Constant_output_0' holds ")
                && atLoad.getMessage().endsWith(", not float tensors; a hint must be float, with the batch as its"
                + " first axis"), atLoad.getMessage());
        try (OnnxTeacher teacher = OnnxTeacher.load(file, "t", "shape-constant.onnx", TeacherDescription.DETECTED,
                new long[] {8}, 1)) {
            InvalidInputException atUse = assertThrows(InvalidInputException.class,
                    () -> teacher.activations(rows(2, 1), List.of("/Reshape_output_0", "/Constant_1_output_0")));
            assertTrue(atUse.getMessage().startsWith("teacher 't' tensor '/Constant_1_output_0' holds "),
                    atUse.getMessage());
            INDArray reshaped = teacher.activations(rows(2, 1), List.of("/Reshape_output_0")).get(0);
            assertEquals(List.of(2L, 6L), List.of(reshaped.shape()[0], reshaped.shape()[1]));
        }
    }

    @Test
    void rowsOfTheWrongWidthAreRefused() {
        try (OnnxTeacher teacher = mlp(TeacherDescription.DETECTED)) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> teacher.logits(rows(2, 1)
                    .reshape(1, 16)));
            assertEquals("teacher 'mlp.onnx' takes rows of 8 features, but got an array of shape [1, 16]",
                    e.getMessage());
        }
    }

    @Test
    void anEmptyBatchGivesEmptyLogits() {
        try (OnnxTeacher teacher = mlp(TeacherDescription.DETECTED)) {
            INDArray none = teacher.logits(Nd4j.create(DataType.FLOAT, 0, 8));
            assertEquals(List.of(0L, 3L), List.of(none.shape()[0], none.shape()[1]));
        }
    }

    @Test
    void doubleAndViewRowsGiveTheSameLogitsAsDenseFloatRows() {
        try (OnnxTeacher teacher = mlp(TeacherDescription.DETECTED)) {
            INDArray x = rows(6, 9);
            INDArray expected = teacher.logits(x);
            assertEquals(expected, teacher.logits(x.castTo(DataType.DOUBLE)));
            assertEquals(expected, teacher.logits(x.dup('f')));
            INDArray wider = rows(12, 9);
            assertEquals(teacher.logits(wider).get(NDArrayIndex.interval(6, 12)),
                    teacher.logits(wider.get(NDArrayIndex.interval(6, 12))));
        }
    }

    @Test
    void threadsSharingATeacherGetTheLogitsOfARunAlone() throws Exception {
        try (OnnxTeacher teacher = mlp(TeacherDescription.DETECTED.withHints(List.of(RELU)))) {
            List<INDArray> inputs = new ArrayList<>();
            List<INDArray> expected = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                inputs.add(rows(32, 100 + i));
                expected.add(teacher.logits(inputs.get(i)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<INDArray>> results = new ArrayList<>();
                for (INDArray x : inputs) {
                    results.add(pool.submit(() -> teacher.logits(x)));
                }
                for (int i = 0; i < inputs.size(); i++) {
                    assertEquals(expected.get(i), results.get(i).get(), "batch " + i);
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void aClosedTeacherRefusesToRun() {
        OnnxTeacher teacher = mlp(TeacherDescription.DETECTED);
        teacher.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> teacher.logits(rows(1, 1)));
        assertEquals("teacher 'mlp.onnx' is closed", e.getMessage());
    }
}
