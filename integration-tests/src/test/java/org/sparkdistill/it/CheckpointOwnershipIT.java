package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.it.cluster.Await;
import org.sparkdistill.it.cluster.ClusterProcess;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.cli.SparkDistill;
import org.sparkdistill.jobs.report.Json;
import org.sparkdistill.jobs.report.MetricsDocument;

/**
 * Checkpoints belong to one run, through the command line: a run killed after its final checkpoint publishes on rerun
 * what an uninterrupted run publishes; a truncated latest checkpoint falls back to the one before it; a run with
 * another student starts fresh, says why, and leaves the other run's checkpoints and a foreign file alone.
 *
 * <p>300 Fashion-MNIST rows in batches of 64 make 5 steps an epoch; with 2 epochs and a checkpoint every 5 steps the
 * checkpoints fall at the end of each epoch, the second at the final step. The killed run is a child JVM running the
 * CLI, held by {@link HaltingLocalFileSystem} once its final checkpoint is in place and then killed; the runs whose
 * log is read are child JVMs too.
 */
class CheckpointOwnershipIT {
    private static final String FINAL_CHECKPOINT = "step-000000000010";
    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(10);
    /** The settings every epoch reports that do not depend on timing. */
    private static final Pattern DETERMINISTIC = Pattern.compile(
            "\"(epoch|step|trainLoss|accuracy|agreement|teacherKl|ece|items)\": ([^,\\n}]+)");

    @TempDir
    static Path dir;

    static Path teacher;
    static Path reference;
    /** The checkpoint directory the killed run left: its own run folder with checkpoints at steps 5 and 10. */
    static Path killed;
    static String killedRun;

    @BeforeAll
    static void runUninterruptedAndKilled() throws IOException {
        teacher = Fixtures.networkWithClasses(dir, 10);
        reference = dir.resolve("reference");
        Path referenceCheckpoints = dir.resolve("reference.ckpt");
        Fixtures.Run run = Fixtures.cli("distill", "--config", job("reference", 32, referenceCheckpoints).toString());
        assertEquals(0, run.status(), run.err());
        assertFalse(Files.exists(referenceCheckpoints), "a run deletes the checkpoint directory it created once empty");

        killed = dir.resolve("killed.ckpt");
        ClusterProcess child = distillInChildJvm("killed", job("killed", 32, killed), FINAL_CHECKPOINT);
        try {
            killedRun = Await.until("the final checkpoint in " + killed, CHILD_TIMEOUT, List.of(child), () -> {
                Path folder = runFolder(killed);
                return folder != null && Files.isDirectory(folder.resolve(FINAL_CHECKPOINT))
                        ? Await.Look.holds(folder.getFileName().toString())
                        : Await.Look.notYet(folder == null ? "no run folder" : java.util.Arrays.toString(folder.toFile().list()));
            });
        } finally {
            child.handle().destroyForcibly();
            child.awaitExit(Duration.ofMinutes(1));
        }
        assertFalse(Files.exists(dir.resolve("killed")), "the killed run published nothing");
        assertEquals(List.of("created-checkpoint-directory", "run.properties", "step-000000000005", FINAL_CHECKPOINT),
                listing(killed.resolve(killedRun)).stream().filter(n -> !n.startsWith(".")).toList());
    }

    @Test
    void aRunKilledAfterItsFinalCheckpointPublishesTheUninterruptedOutputOnRerun() throws IOException {
        Path checkpoints = copyOfKilled("resumed.ckpt");
        Fixtures.Run run = Fixtures.cli("distill", "--config", job("resumed", 32, checkpoints).toString());
        assertEquals(0, run.status(), run.err());
        assertSameOutput(reference, dir.resolve("resumed"));
        assertFalse(Files.exists(checkpoints), "the run's folder and then the directory it created are deleted");
    }

    @Test
    void aTruncatedLatestCheckpointFallsBackToTheOneBeforeIt() throws IOException {
        Path checkpoints = copyOfKilled("truncated.ckpt");
        Path model = checkpoints.resolve(killedRun).resolve(FINAL_CHECKPOINT).resolve("model.zip");
        byte[] whole = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(whole, whole.length / 2));

        ClusterProcess child = distillInChildJvm("truncated", job("truncated", 32, checkpoints), null);
        OptionalInt status = child.awaitExit(CHILD_TIMEOUT);
        assertEquals(OptionalInt.of(0), status, child.output());
        String log = child.output();
        // Hadoop's local file system finds the damage first, by its own checksum; other stores by the recorded SHA-256.
        assertTrue(log.contains("checkpoint file " + model + " is ")
                && log.contains("; falling back to the checkpoint before it"), log);
        assertTrue(log.contains("resuming from checkpoint " + model.getParent().resolveSibling("step-000000000005")
                + ": step 5, 1 epoch(s) finished"), log);
        assertSameOutput(reference, dir.resolve("truncated"));
    }

    @Test
    void aRunWithAnotherStudentStartsFreshAndLeavesTheOtherRunAndAForeignFileAlone() throws IOException {
        Path checkpoints = copyOfKilled("shared.ckpt");
        Files.writeString(checkpoints.resolve("notes.txt"), "not spark-distill's");
        List<String> otherRunBefore = listing(checkpoints.resolve(killedRun));

        ClusterProcess child = distillInChildJvm("wider", job("wider", 64, checkpoints), null);
        OptionalInt status = child.awaitExit(CHILD_TIMEOUT);
        assertEquals(OptionalInt.of(0), status, child.output());
        String log = child.output();
        assertTrue(log.contains("holds checkpoints of 1 other run(s) (" + killedRun + "); they are left alone")
                && log.contains("starts fresh") && log.contains("student.hidden [32] → [64]"), log);
        assertTrue(Files.isRegularFile(dir.resolve("wider").resolve(DistillJob.MODEL_FILE)));
        assertEquals(List.of(killedRun, "notes.txt"), listing(checkpoints));
        assertEquals("not spark-distill's", Files.readString(checkpoints.resolve("notes.txt")));
        assertEquals(otherRunBefore, listing(checkpoints.resolve(killedRun)));
    }

    /** A job file: the first 300 training rows, one teacher, a 784-width-10 student, 2 epochs, a checkpoint every 5 steps. */
    static Path job(String name, int width, Path checkpoints) throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), """
                data: {train: %s, limit: 300}
                teachers: [{path: %s}]
                student: {hidden: [%d]}
                distillation: {temperature: 3.0, alpha: 0.8}
                training: {epochs: 2, batchSize: 64, seed: 5, checkpointEvery: 5, checkpointDirectory: %s}
                output: %s
                spark: {master: "local[2]"}
                """.formatted(Fixtures.fashionMnist(), teacher, width, checkpoints, dir.resolve(name)));
    }

    /**
     * Starts {@code distill --config job} in a JVM of its own on this JVM's class path, logging to {@code <name>.log}.
     *
     * @param haltAfter the checkpoint folder after whose rename the child stops, or null to let it finish
     */
    static ClusterProcess distillInChildJvm(String name, Path job, String haltAfter) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        command.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split(" ")));
        if (haltAfter != null) {
            command.add("-Dspark.hadoop.fs.file.impl=" + HaltingLocalFileSystem.class.getName());
            command.add("-Dspark.hadoop.fs.file.impl.disable.cache=true");
            command.add("-D" + HaltingLocalFileSystem.HALT_AFTER + "=" + haltAfter);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SparkDistill.class.getName(), "distill",
                "--config", job.toString()));
        return ClusterProcess.start(name, command, Map.of(), dir, dir.resolve(name + ".log"));
    }

    /** The run folder (16 hex digits) in a checkpoint directory, or null while there is none. */
    static Path runFolder(Path checkpoints) {
        if (!Files.isDirectory(checkpoints)) {
            return null;
        }
        try (Stream<Path> entries = Files.list(checkpoints)) {
            return entries.filter(p -> p.getFileName().toString().matches("[0-9a-f]{16}")).findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path copyOfKilled(String name) throws IOException {
        Path copy = dir.resolve(name);
        try (Stream<Path> files = Files.walk(killed)) {
            for (Path source : files.toList()) {
                Files.copy(source, copy.resolve(killed.relativize(source).toString()));
            }
        }
        return copy;
    }

    static List<String> listing(Path folder) throws IOException {
        return Fixtures.listing(folder).stream().filter(n -> !n.endsWith(".crc")).toList();
    }

    /** Same student parameters, and the same metrics apart from wall and stage times. */
    static void assertSameOutput(Path expected, Path actual) throws IOException {
        assertEquals(deterministicMetrics(expected), deterministicMetrics(actual));
        MultiLayerNetwork want = ModelSerializer.restoreMultiLayerNetwork(expected.resolve(DistillJob.MODEL_FILE).toFile());
        MultiLayerNetwork got = ModelSerializer.restoreMultiLayerNetwork(actual.resolve(DistillJob.MODEL_FILE).toFile());
        assertEquals(want.params(), got.params(), "the student's parameters");
    }

    static List<String> deterministicMetrics(Path output) throws IOException {
        Path file = output.resolve(MetricsDocument.FILE);
        Matcher matcher = DETERMINISTIC.matcher(Json.write(Json.read(Files.readString(file), file.toString())
                .get("runs")));
        List<String> values = new ArrayList<>();
        while (matcher.find()) {
            values.add(matcher.group(1) + "=" + matcher.group(2).trim());
        }
        assertTrue(values.size() > 20, "metrics of two epochs with their pipeline blocks: " + values);
        return values;
    }
}
