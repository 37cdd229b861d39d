package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.jobs.cli.SparkDistill;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;

/**
 * Convolutional, residual and user-supplied students distil on two workers with KD and a FitNet hint, and students or
 * objectives that cannot work are refused before training, naming the value.
 */
class StudentKindsTest {
    private static final int SIDE = 8;
    private static final int CLASSES = 3;

    @TempDir
    static Path dir;

    static Path train;
    static Path test;
    /** A CNN teacher with a 6-map 3×3 convolution {@code conv1} and a dense layer {@code dense1} of 16. */
    static Path teacher;
    /** A residual ComputationGraph student saved as a zip. */
    static Path graphZip;

    @BeforeAll
    static void prepare() throws IOException {
        train = dir.resolve("train.parquet");
        test = dir.resolve("test.parquet");
        PrepareJob.run(spark(), images("train", 256, 1L), train);
        PrepareJob.run(spark(), images("test", 64, 2L), test);
        teacher = save(Networks.convolutional(new int[] {1, SIDE, SIDE}, List.of(6), List.of(16), CLASSES,
                new Adam(0.01), 5L), "teacher.zip");
        graphZip = save(Networks.residual(new int[] {1, SIDE, SIDE}, List.of(4), CLASSES, new Adam(0.01), 7L),
                "graph-student.zip");
    }

    @AfterAll
    static void stop() {
        spark().stop();
    }

    static SparkSession spark() {
        return CacheFixtures.localSpark("student-kinds-test");
    }

    private static Path save(Model model, String file) throws IOException {
        Path zip = dir.resolve(file);
        ModelSerializer.writeModel(model, zip.toFile(), false);
        return zip;
    }

    /** 8×8 single-channel images whose label brightens one third of the pixels. */
    static Examples images(String name, int rows, long seed) {
        Random random = new Random(seed);
        int features = SIDE * SIDE;
        float[] values = new float[rows * features];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(CLASSES);
            for (int j = 0; j < features; j++) {
                values[i * features + j] = random.nextFloat() + (j % CLASSES == labels[i] ? 0.5f : 0f);
            }
        }
        return new Examples(name, values, labels, new int[] {1, SIDE, SIDE}, CLASSES);
    }

    static DistillConfig config(String student, String objectives, String output) {
        return ConfigLoader.parse("data:\n  train: " + train + "\n  test: " + test + "\nteachers:\n  - {path: "
                + teacher + ", hints: [conv1, dense1]}\nstudent: " + student + "\ndistillation: {temperature: 2.0,"
                + " alpha: 0.7" + (objectives.isEmpty() ? "" : ", objectives: " + objectives) + "}\n"
                + "training: {epochs: 1, batchSize: 16, seed: 3, workers: 2}\noutput: " + dir.resolve(output) + "\n",
                "kinds.yaml", Map.of());
    }

    @Test
    void convolutionalResidualAndSuppliedStudentsDistilWithKdAndAHintOnTwoWorkers() {
        Map<String, String> students = new LinkedHashMap<>();
        students.put("{architecture: cnn, channels: [4, 8], hidden: [16]}", "conv1");
        students.put("{architecture: resnet, channels: [4, 8]}", "block1-relu");
        students.put("{model: " + graphZip + "}", "block1-relu");
        int k = 0;
        for (Map.Entry<String, String> student : students.entrySet()) {
            String output = "kind-" + k++;
            DistillJob.Outcome outcome = DistillJob.run(spark(), config(student.getKey(), "[{type: kd, weight: 0.9},"
                    + " {type: hint, student: " + student.getValue() + ", teacher: conv1, weight: 0.1}]", output),
                    student.getKey());
            assertEquals(1, outcome.summary().epochs().size(), student.getKey());
            ModelZip zip = ModelZip.read(dir.resolve(output).resolve(DistillJob.MODEL_FILE), "student", "test");
            if (student.getKey().contains("cnn")) {
                MultiLayerNetwork saved = zip.multiLayerNetwork(false);
                assertEquals("output", saved.getOutputLayer().conf().getLayer().getLayerName());
            } else {
                ComputationGraph saved = zip.computationGraph();
                assertEquals(List.of("output"), saved.getConfiguration().getNetworkOutputs(), student.getKey());
                assertFalse(saved.getConfiguration().getVertices().keySet().stream().anyMatch(v -> v.startsWith("hint")
                        || v.startsWith("kd")), "the saved student has no heads: " + student.getKey());
            }
        }
    }

    @Test
    void studentsAndObjectivesThatCannotWorkAreRefusedBeforeTrainingNamingTheValue() throws IOException {
        Path mlpZip = save(Networks.mlp(10, List.of(4), CLASSES, new Adam(0.01), 1L), "mlp-10.zip");
        Path fiveClasses = save(Networks.mlp(SIDE * SIDE, List.of(4), 5, new Adam(0.01), 1L), "five.zip");
        String cnn = "{architecture: cnn, channels: [4], hidden: [8]}";
        Map<String[], String> refusals = new LinkedHashMap<>();
        refusals.put(new String[] {"{model: " + mlpZip + "}", ""}, "the student cannot take input of shape [1, 64]");
        refusals.put(new String[] {"{model: " + fiveClasses + "}", ""},
                "the student outputs 5 values per example (layer 'layer1' has shape [1, 5]) but the data has 3 classes");
        refusals.put(new String[] {cnn, "[{type: kd}, {type: hint, student: conv9, teacher: conv1}]"},
                "the student has no layer 'conv9'; its layers: conv1, pool1, dense1, output");
        refusals.put(new String[] {cnn, "[{type: kd}, {type: hint, student: conv1, teacher: fc7}]"},
                "distillation.objectives[1].teacher = fc7: no teacher offers it among its hints");
        refusals.put(new String[] {cnn, "[{type: kd}, {type: hint, student: conv1, teacher: dense1}]"},
                "hint 'hint-conv1': student layer 'conv1' gives activations of shape [1, 4, 8, 8] and teacher output"
                        + " 'dense1' of teacher 0 (16 values); its width is not a multiple of the 8×8 positions");
        int k = 0;
        for (Map.Entry<String[], String> refusal : refusals.entrySet()) {
            String output = "refused-" + k++;
            DistillConfig config = config(refusal.getKey()[0], refusal.getKey()[1], output);
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> DistillJob.run(spark(), config, "refused"), refusal.getValue());
            assertTrue(e.getMessage().contains(refusal.getValue()), e.getMessage());
            assertFalse(Files.exists(dir.resolve(output)), "nothing is written for " + refusal.getValue());
        }
    }

    @Test
    void theCommandLineExitsWithStatus2OnAnObjectiveNamingAMissingLayer() throws IOException {
        Path output = dir.resolve("cli-refused");
        Path job = Files.writeString(dir.resolve("missing-layer.yaml"), "data:\n  train: " + train + "\n  test: "
                + test + "\nteachers:\n  - {path: " + teacher + ", hints: [conv1]}\nstudent: {architecture: cnn,"
                + " channels: [4], hidden: [8]}\ndistillation: {objectives: [{type: kd}, {type: hint, student: conv9,"
                + " teacher: conv1}]}\nspark: {master: \"local[2]\"}\noutput: " + output + "\n");
        StringWriter err = new StringWriter();
        int status = SparkDistill.execute(new PrintWriter(err, true), "distill", "--config", job.toString());
        assertEquals(2, status, err.toString());
        assertTrue(err.toString().contains("the student has no layer 'conv9'"), err.toString());
        assertFalse(Files.exists(output));
    }
}
