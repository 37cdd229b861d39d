package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.it.cluster.StandaloneCluster;
import org.sparkdistill.it.cluster.Submission;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.TeacherTraining;
import org.sparkdistill.jobs.cli.SparkDistill;
import org.sparkdistill.jobs.report.Json;
import org.sparkdistill.jobs.report.MetricsDocument;

/** Shared inputs of the integration tests: the Fashion-MNIST directory, small teachers, and running the CLI. */
final class Fixtures {
    /** The cluster defaults' Kryo settings, strict: a class the registrator misses fails the job. */
    static final Map<String, String> STRICT_KRYO = Map.of(
            "spark.serializer", "org.apache.spark.serializer.KryoSerializer",
            "spark.kryo.registrator", "org.sparkdistill.jobs.spark.DistillKryoRegistrator",
            "spark.kryo.registrationRequired", "true",
            "spark.kryoserializer.buffer.max", "512m");

    private Fixtures() {}

    /** {@code settings} with {@code more} over them. */
    /** The teacher models made by {@code fixtures/teachers/make_teachers.py}, with their reference outputs. */
    static final Path TEACHERS = Path.of("../fixtures/teachers").toAbsolutePath().normalize();

    static Map<String, String> with(Map<String, String> settings, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(more);
        return all;
    }

    static Path fashionMnist() {
        return Path.of(System.getProperty("fashion.mnist.dir", FashionMnist.DEFAULT_DIR.toString()));
    }

    /** A CNN teacher trained for one epoch on the first {@code rows} training images. */
    static Path cnnTeacher(Path dir, int rows) {
        Examples train = FashionMnist.train(fashionMnist()).head(rows);
        Examples test = FashionMnist.test(fashionMnist()).head(1000);
        return TeacherTraining.train(train, test, new TeacherTraining.Recipe(1, 64, 3L, 0.002), dir.resolve("teacher.zip"))
                .model();
    }

    /** An untrained network with the given number of classes, written as a model zip. */
    static Path networkWithClasses(Path dir, int classes) throws IOException {
        MultiLayerNetwork network = Networks.mlp(784, List.of(8), classes, UpdaterKind.SGD.withLearningRate(0.1), 1L);
        Path file = dir.resolve("classes-" + classes + ".zip");
        ModelSerializer.writeModel(network, file.toFile(), false);
        return file;
    }

    /**
     * A configuration file for {@code teacher-infer} and {@code distill} on the first {@code limit} Fashion-MNIST
     * training rows: one teacher, its soft-label cache, and a 784-32-10 student trained for 2 epochs with seed 5.
     */
    static Path cacheJob(Path file, Path teacher, Path cache, Path output, int limit, int topK) throws IOException {
        return cacheJob(file, fashionMnist(), teacher, cache, output, limit, topK);
    }

    /** {@link #cacheJob(Path, Path, Path, Path, int, int)} on the Fashion-MNIST IDX directory {@code data}. */
    static Path cacheJob(Path file, Path data, Path teacher, Path cache, Path output, int limit, int topK)
            throws IOException {
        return Files.writeString(file, """
                data: {train: %s, limit: %d}
                teachers: [{path: %s}]
                student: {hidden: [32]}
                distillation: {temperature: 3.0, alpha: 0.8}
                training: {epochs: 2, seed: 5}
                cache: {path: %s, topK: %d}
                output: %s
                spark: {master: "local[2]"}
                """.formatted(data, limit, teacher, cache, topK, output));
    }

    /** The result of one CLI run: its exit status and what it wrote to standard error. */
    record Run(int status, String err) {}

    static Run cli(String... args) {
        StringWriter err = new StringWriter();
        int status = SparkDistill.execute(new PrintWriter(err, true), args);
        return new Run(status, err.toString());
    }

    /** The final held-out accuracy recorded in a {@code distill} output's metrics file. */
    static double finalAccuracy(Path output) throws IOException {
        Path file = output.resolve(MetricsDocument.FILE);
        return Json.read(Files.readString(file), file.toString()).get("runs").get(0).get("final").get("accuracy")
                .asDouble();
    }

    /** The parameters of the student a {@code distill} run wrote into {@code output}. */
    static INDArray studentParameters(Path output) throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(output.resolve(DistillJob.MODEL_FILE).toFile(), false).params();
    }

    /** Files and directories directly in {@code dir}, hidden ones included. */
    static List<String> listing(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** True once a run's folder in the checkpoint directory {@code checkpoints} holds a checkpoint. */
    static boolean hasCheckpoint(Path checkpoints) {
        return hasCheckpoint(checkpoints, "step-");
    }

    /** True once a run's folder in {@code checkpoints} holds a checkpoint folder whose name starts with {@code prefix}. */
    static boolean hasCheckpoint(Path checkpoints, String prefix) {
        try (var folders = Files.walk(checkpoints, 2)) {
            return folders.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        } catch (IOException e) {
            return false;
        }
    }

    /** The driver's line when a retry starts: "attempt 2 of 3 resumes from step 40 (<checkpoint>)". */
    private static final Pattern RESUMED = Pattern.compile("attempt \\d+ of \\d+ resumes from step (\\d+) ");

    /**
     * Once {@code checkpointed} holds, kills the second of the {@code executors} executors training on
     * {@code cluster}, and returns the run when it ends.
     */
    static Submission killAnExecutorOnceCheckpointed(StandaloneCluster cluster, CompletableFuture<Submission> running,
            String checkpoint, BooleanSupplier checkpointed, int executors) {
        cluster.await(checkpoint, Duration.ofMinutes(5), checkpointed);
        List<Long> pids = cluster.executorPids();
        assertEquals(executors, pids.size(), "one executor per worker trains: " + pids);
        cluster.killExecutor(pids.get(1));
        return running.join();
    }

    /**
     * The step a run that lost an executor says it resumed from, which must be a checkpoint's: a positive multiple of
     * {@code checkpointEvery}, not the start.
     */
    static long resumedStep(Submission run, int checkpointEvery) {
        assertEquals(0, run.exitCode(), run::toString);
        Matcher resumed = RESUMED.matcher(run.output());
        assertTrue(resumed.find(), "the driver says where it resumed: " + run);
        long step = Long.parseLong(resumed.group(1));
        assertTrue(step >= checkpointEvery && step % checkpointEvery == 0, "'" + resumed.group()
                + "': the retry resumes from a checkpoint, whose step is a positive multiple of " + checkpointEvery
                + ", not from the start: " + run);
        return step;
    }
}
