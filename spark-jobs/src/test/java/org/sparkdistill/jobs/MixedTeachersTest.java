package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertCloseRelativeToMove;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.jobs.cache.CacheManifest;
import org.sparkdistill.jobs.cli.SparkDistill;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.storage.OutputMarker;

/**
 * A DL4J teacher and an ONNX teacher in one ensemble, live and through the soft-label cache, on local Spark; and the
 * teacher settings that are refused before any training.
 */
class MixedTeachersTest {
    static final Path TEACHERS = Path.of("../fixtures/teachers").toAbsolutePath().normalize();
    /** The ONNX fixture taking rows of 8 values to logits of 3 classes, with an inner ReLU of width 6. */
    static final Path MLP = TEACHERS.resolve("mlp.onnx");
    static final int CLASSES = 3;
    /**
     * The largest ‖from cache − live‖ / ‖live − initial‖ of the students' parameters allowed: the teachers' logits
     * for a row differ in their last bits between batches of 256 rows and of 32.
     */
    static final double TEACHER_ROUNDING = 1e-6;

    @TempDir
    static Path dir;

    static Path train;
    static Path test;
    static Path dl4j;

    @BeforeAll
    static void prepare() throws IOException {
        Examples rows = CacheFixtures.examples("train", 600, 1L, CLASSES);
        train = dir.resolve("train.parquet");
        test = dir.resolve("test.parquet");
        PrepareJob.run(spark(), rows, train);
        PrepareJob.run(spark(), CacheFixtures.examples("test", 100, 2L, CLASSES), test);
        dl4j = CacheFixtures.teacher(dir, "a.zip", 11L, rows);
    }

    /** The test's session, made again after the command line has stopped it. */
    static SparkSession spark() {
        return CacheFixtures.localSpark("mixed-teachers-test");
    }

    @AfterAll
    static void stop() {
        spark().stop();
    }

    /** 2 epochs of batch 32 for a 8-8-3 student at T = 2 and α = 0.7, with the teachers given as YAML list items. */
    static DistillConfig config(String teachers, String output, Map<String, String> settings) {
        return ConfigLoader.parse("data:\n  train: " + train + "\n  test: " + test + "\nteachers:\n" + teachers + """
                student: {hidden: [8]}
                distillation: {temperature: 2.0, alpha: 0.7}
                training: {epochs: 2, batchSize: 32, seed: 3}
                """ + "output: " + dir.resolve(output) + "\n", "mixed.yaml", settings);
    }

    static String mixed() {
        return "  - {path: " + dl4j + ", hints: [0]}\n  - {path: " + MLP + ", hints: [/relu/Relu_output_0]}\n";
    }

    @Test
    void aDl4jAndAnOnnxTeacherTrainTheSameStudentLiveAndFromTheirCache() throws IOException {
        Path cache = dir.resolve("cache");
        TeacherInferJob.Outcome inferred = TeacherInferJob.run(spark(), config(mixed(), "unused",
                Map.of("cache.path", cache.toString(), "cache.topK", "3")));
        List<CacheManifest.TeacherEntry> entries = inferred.manifest().teachers();
        assertEquals(List.of("a.zip", "mlp.onnx"), entries.stream().map(CacheManifest.TeacherEntry::file).toList());
        assertEquals(List.of(16, 6), entries.stream().map(e -> e.hintLayers().get(0).width()).toList(),
                "the DL4J teacher's first layer and the ONNX teacher's ReLU");

        DistillJob.Outcome live = DistillJob.run(spark(), config(mixed(), "live", Map.of()), "live");
        DistillJob.Outcome cached = DistillJob.run(spark(), config(mixed(), "cached",
                Map.of("cache.path", cache.toString())), "cached");
        for (DistillJob.Outcome outcome : List.of(live, cached)) {
            assertTrue(Files.exists(Path.of(java.net.URI.create(outcome.output().uri())).resolve(OutputMarker.FILE_NAME)));
            assertEquals(2, outcome.summary().epochs().size());
        }
        DistillConfig unused = config("", "unused", Map.of());
        MultiLayerNetwork initial = StudentSpec.of(unused.student()).build(CacheFixtures.FEATURES, CLASSES, 3L, 1);
        INDArray start = initial.params().dup();
        NetworkMemory.release(initial);
        assertCloseRelativeToMove(start, DistillFromCacheTest.studentParameters(dir.resolve("live")),
                DistillFromCacheTest.studentParameters(dir.resolve("cached")), TEACHER_ROUNDING,
                "the students' parameters");
    }

    @Test
    void teacherSettingsThatCannotWorkAreRefusedBeforeTrainingNamingTheFileAndTheValue() {
        Path twoOutputs = TEACHERS.resolve("two-outputs.onnx");
        Path nhwc = TEACHERS.resolve("cnn-nhwc.onnx");
        Map<String, List<String>> refusals = Map.of(
                "  - {path: " + twoOutputs + "}\n", List.of("teacher model file " + twoOutputs + " has 2 outputs (logits,"
                        + " hidden); choose one with teachers[].output"),
                "  - {path: " + twoOutputs + ", output: hidden}\n", List.of("two-outputs.onnx", "outputs shape [1, 6]"
                        + " but the student outputs shape [1, 3]"),
                "  - {path: " + MLP + ", hints: [fc9]}\n", List.of("mlp.onnx", "'fc9'"),
                "  - {path: " + MLP + ", format: keras}\n", List.of("teacher model file " + MLP + " is not a Keras"
                        + " HDF5 file as its format keras says: it is an ONNX model"),
                "  - {path: " + nhwc + "}\n", List.of("teacher 'cnn-nhwc.onnx' takes examples of shape [4, 4, 3] (48"
                        + " values), but the data's have shape [8] (8 values)"));
        int k = 0;
        for (Map.Entry<String, List<String>> refusal : refusals.entrySet()) {
            String output = "refused-" + k++;
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> DistillJob.run(spark(), config(refusal.getKey(), output, Map.of()), "refused"),
                    refusal.getKey());
            for (String part : refusal.getValue()) {
                assertTrue(e.getMessage().contains(part), e.getMessage());
            }
            assertFalse(Files.exists(dir.resolve(output)), "nothing is written for " + refusal.getKey());
        }
    }

    @Test
    void theCommandLineExitsWithStatus2AndTheMessage() throws IOException {
        Path output = dir.resolve("cli-refused");
        Path job = Files.writeString(dir.resolve("two-outputs.yaml"), "data:\n  train: " + train + "\n  test: " + test
                + "\nteachers:\n  - {path: " + TEACHERS.resolve("two-outputs.onnx") + "}\nspark: {master: \"local[2]\"}\n"
                + "output: " + output + "\n");
        StringWriter err = new StringWriter();
        int status = SparkDistill.execute(new PrintWriter(err, true), "distill", "--config", job.toString());
        assertEquals(2, status, err.toString());
        assertTrue(err.toString().contains("two-outputs.onnx has 2 outputs (logits, hidden); choose one with"
                + " teachers[].output"), err.toString());
        assertFalse(Files.exists(output));
    }
}
