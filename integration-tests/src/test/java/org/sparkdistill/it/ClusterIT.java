package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.it.cluster.ClusterSpec;
import org.sparkdistill.it.cluster.EventLog;
import org.sparkdistill.it.cluster.StandaloneCluster;
import org.sparkdistill.it.cluster.Submission;
import org.sparkdistill.jobs.DataParallelTraining;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.cli.SparkDistill;

/**
 * spark-distill submitted through SparkSubmit to a Spark standalone cluster: a master and three workers of one core,
 * each a JVM. Data-parallel runs use one barrier task, and so one executor, per worker, and Kryo with
 * {@code spark.kryo.registrationRequired=true}.
 */
class ClusterIT {
    @TempDir
    static Path dir;

    static Path teacher;
    static StandaloneCluster cluster;

    @BeforeAll
    static void trainTeacherAndStartCluster() {
        teacher = Fixtures.cnnTeacher(dir, 1000);
        cluster = StandaloneCluster.start(ClusterSpec.defaults().withWorkers(3));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static final Map<String, String> KRYO = Fixtures.STRICT_KRYO;
    private static final int CHECKPOINT_EVERY = 20;

    /**
     * A data-parallel distill run of {@code workers} replicas on 6000 rows, checkpointing every
     * {@value #CHECKPOINT_EVERY} steps to {@code <out>.checkpoints}: named, since a cluster's default is refused, and
     * shared, since every JVM of this cluster runs on this machine.
     */
    private static List<String> distill(Path out, int workers) {
        return List.of("distill", "--data", Fixtures.fashionMnist().toString(), "--limit", "6000",
                "--teacher", teacher.toString(), "--epochs", "2", "--seed", "5", "--output", out.toString(),
                "--set", "student.hidden=32", "--set", "training.batchSize=32",
                "--set", "training.workers=" + workers, "--set", "training.checkpointEvery=" + CHECKPOINT_EVERY,
                "--set", "training.checkpointDirectory=" + out.resolveSibling(out.getFileName() + ".checkpoints"));
    }

    @Test
    void twoWorkersTrainOnTwoExecutorsAndWriteACompleteOutput() throws IOException {
        Path out = dir.resolve("two-workers");
        CompletableFuture<Submission> running = CompletableFuture.supplyAsync(
                () -> cluster.submit(distill(out, 2), Fixtures.with(KRYO, Map.of("spark.cores.max", "2"))));
        List<Long> executors = cluster.awaitExecutors(2, Duration.ofMinutes(2));
        Submission run = running.join();

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(Files.isRegularFile(out.resolve(DistillJob.MODEL_FILE)), Fixtures.listing(out)::toString);
        double accuracy = Fixtures.finalAccuracy(out);
        assertTrue(accuracy > 0.5, "two workers learn in 2 epochs on 6,000 rows (> 50%, chance is 10%), got "
                + accuracy + ": " + run);
        assertEquals(List.of(), cluster.awaitExecutors(0, Duration.ofMinutes(1)),
                "the workers stop executors " + executors + " when the application ends");
        for (Path log : cluster.executorLogs()) {
            String command = Files.readAllLines(log).get(0);
            assertTrue(command.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"),
                    "the driver's SparkContext gives executors Spark's --add-opens options: " + command);
            assertTrue(command.contains("-Dorg.bytedeco.javacpp.maxbytes=3G"), command);
        }
    }

    /**
     * Kills one of three executors once a checkpoint exists, and holds the recovered run to the undisturbed one's
     * trajectory: the driver resumes from a checkpoint (a step that is a positive multiple of checkpointEvery, not
     * step 0), its finishing attempt takes only the steps after that checkpoint (rank 0's step accumulator in the
     * event log), and the student's parameters are bit for bit those of an undisturbed run with the same seed, data
     * and workers. Exactness holds because the data-parallel run is deterministic: each rank trains its own shard
     * (the partition, whatever executor runs it) with batch orders and random streams derived from (seed, epoch,
     * step), and the ring sums every gradient element over the ranks in a fixed order. The bucket plan could change
     * that order, since a ring's chunks are cut per bucket; but this student's gradient (784·32 + 32 + 32·10 + 10 =
     * 25,450 floats, 99 KiB) is smaller than two of the adaptive planner's 64 KiB minimum buckets, so every plan is the
     * same single bucket.
     */
    @Test
    void aRunWhoseExecutorIsKilledMidTrainingResumesFromItsCheckpointOnTheUndisturbedTrajectory() throws IOException {
        Path undisturbed = dir.resolve("undisturbed");
        Path undisturbedEvents = Files.createDirectories(dir.resolve("undisturbed-events"));
        Submission reference = cluster.submit(distill(undisturbed, 3),
                Fixtures.with(KRYO, EventLog.settings(undisturbedEvents)));
        assertEquals(0, reference.exitCode(), reference::toString);
        cluster.awaitExecutors(0, Duration.ofMinutes(1));
        long allSteps = onlyValue(EventLog.read(undisturbedEvents).accumulatorBySucceededStage(
                DataParallelTraining.STEP_ACCUMULATOR), "the undisturbed run's training stage");

        Path out = dir.resolve("disturbed");
        Path checkpoints = dir.resolve("disturbed.checkpoints");
        Path events = Files.createDirectories(dir.resolve("disturbed-events"));
        CompletableFuture<Submission> running = CompletableFuture.supplyAsync(
                () -> cluster.submit(distill(out, 3), Fixtures.with(KRYO, EventLog.settings(events))));
        Submission run = Fixtures.killAnExecutorOnceCheckpointed(cluster, running, "a first checkpoint in "
                + checkpoints, () -> Fixtures.hasCheckpoint(checkpoints), 3);
        long step = Fixtures.resumedStep(run, CHECKPOINT_EVERY);
        assertTrue(run.output().contains("steps were redone"), "the driver says how many steps it redid: " + run);
        Map<Integer, Long> stepsByStage = EventLog.read(events).accumulatorBySucceededStage(
                DataParallelTraining.STEP_ACCUMULATOR);
        assertEquals(allSteps - step, stepsByStage.get(Collections.max(stepsByStage.keySet())),
                "steps of the finishing attempt, which resumed from step " + step + " of " + allSteps);
        assertIdentical(Fixtures.studentParameters(undisturbed), Fixtures.studentParameters(out),
                "the recovered student's parameters against the undisturbed run's");
        assertEquals(Fixtures.finalAccuracy(undisturbed), Fixtures.finalAccuracy(out),
                "accuracy after recovery against the undisturbed run's");
        assertFalse(Files.exists(checkpoints), "the finished run's checkpoints are removed");
    }

    /**
     * Kills the executor of one of two codistilling groups (one worker each, learning from the teacher and from each
     * other) once both have checkpointed. The driver resumes every group from its own checkpoint of one step, a
     * positive multiple of checkpointEvery, and the job finishes: both groups' students are written, bit for bit those
     * of an undisturbed run, and the checkpoints are removed. Exactness holds as in the data-parallel case: a group
     * resumed from a checkpoint at an exchange first exchanges again, which gives it the copies of the other group the
     * undisturbed run had at that step.
     */
    @Test
    void aCodistillationGroupKilledMidRunResumesFromItsCheckpointAndTheJobFinishes() throws IOException {
        Path undisturbed = dir.resolve("codistill-undisturbed");
        Map<String, String> twoExecutors = Fixtures.with(KRYO, Map.of("spark.cores.max", "2"));
        Submission reference = cluster.submit(codistill(undisturbed), twoExecutors);
        assertEquals(0, reference.exitCode(), reference::toString);
        cluster.awaitExecutors(0, Duration.ofMinutes(1));

        Path out = dir.resolve("codistill-disturbed");
        Path checkpoints = dir.resolve("codistill-disturbed.checkpoints");
        CompletableFuture<Submission> running = CompletableFuture.supplyAsync(() -> cluster.submit(codistill(out),
                twoExecutors));
        Submission run = Fixtures.killAnExecutorOnceCheckpointed(cluster, running, "a checkpoint of every group in "
                + checkpoints, () -> Fixtures.hasCheckpoint(checkpoints, "group-0-step-")
                && Fixtures.hasCheckpoint(checkpoints, "group-1-step-"), 2);
        long step = Fixtures.resumedStep(run, CHECKPOINT_EVERY);
        assertTrue(run.output().contains("group-0-step-" + String.format("%012d", step)) && run.output().contains(
                "group-1-step-" + String.format("%012d", step)), "every group resumes from its checkpoint of step "
                + step + ": " + run);
        for (int g = 0; g < 2; g++) {
            assertIdentical(groupParameters(undisturbed, g), groupParameters(out, g), "group " + g
                    + "'s student after recovery against the undisturbed run's");
        }
        assertEquals(Fixtures.finalAccuracy(undisturbed), Fixtures.finalAccuracy(out),
                "accuracy after recovery against the undisturbed run's");
        assertFalse(Files.exists(checkpoints), "the finished run's checkpoints are removed");
    }

    /** {@link #distill} with two workers in two codistilling groups that exchange every 10 steps. */
    private static List<String> codistill(Path out) {
        List<String> args = new ArrayList<>(distill(out, 2));
        args.addAll(List.of("--set", "training.groups=2", "--set", "training.exchangeEvery=10", "--set",
                "distillation.objectives=[{type: kd}, {type: codistill}]"));
        return args;
    }

    private static INDArray groupParameters(Path output, int group) throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(output.resolve(DistillJob.groupFile(group)).toFile(), false)
                .params();
    }

    /** The one value of {@code values}, which must hold exactly one. */
    private static long onlyValue(Map<Integer, Long> values, String what) {
        assertEquals(1, values.size(), what + ": expected one stage, found " + values);
        return values.values().iterator().next();
    }

    /** True once the run's folder in {@code checkpoints} holds a checkpoint. */

    @Test
    void refusesABadArgumentWithExitStatusTwoAndOneErrorLine() {
        Path out = dir.resolve("refused");
        Submission run = cluster.submit(List.of("distill", "--data", Fixtures.fashionMnist().toString(),
                "--teacher", teacher.toString(), "--temperature", "-2", "--output", out.toString()), Map.of());
        assertEquals(SparkDistill.INVALID_INPUT, run.exitCode(), run::toString);
        assertEquals(1, run.linesStartingWith("error: ").size(), run::toString);
        assertTrue(run.output().contains("distillation.temperature = -2.0: must be in (0, 100]"), run::toString);
        assertFalse(Files.exists(out), "no output is left");
    }
}
