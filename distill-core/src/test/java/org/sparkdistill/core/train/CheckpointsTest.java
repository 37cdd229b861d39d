package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.InMemoryShard;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.teacher.Dl4jTeacher;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.InProcessTransport;
import org.sparkdistill.gradients.collective.Ranks;
import org.sparkdistill.gradients.collective.Transport;

class CheckpointsTest {
    static final int FEATURES = 8;
    static final int CLASSES = 3;

    @TempDir
    Path dir;

    static Examples randomExamples(String name, int rows, long seed) {
        Random random = new Random(seed);
        float[] features = new float[rows * FEATURES];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(CLASSES);
            for (int j = 0; j < FEATURES; j++) {
                features[i * FEATURES + j] = (float) random.nextGaussian() + (j % CLASSES == labels[i] ? 1f : 0f);
            }
        }
        return new Examples(name, features, labels, new int[] {FEATURES}, CLASSES);
    }

    static MultiLayerNetwork student() {
        return Networks.mlp(FEATURES, List.of(6), CLASSES, UpdaterKind.ADAM.withLearningRate(0.01), 11L);
    }

    static DistillationTrainer trainer(TrainingPlan plan, Examples heldOut) {
        MultiLayerNetwork teacherNet = Networks.mlp(FEATURES, List.of(10), CLASSES, UpdaterKind.ADAM.withLearningRate(0.01), 5L);
        TeacherEnsemble ensemble = TeacherEnsemble.of(List.of(Dl4jTeacher.of("teacher", teacherNet)), EnsembleWeighting.UNIFORM);
        return new DistillationTrainer(plan, ensemble, Evaluator.withTeacher(heldOut, ensemble));
    }

    static TrainingPlan plan() {
        return new TrainingPlan(3, 16, 99L, Schedule.linear(4.0, 2.0), Schedule.linear(1.0, 0.2), 5);
    }

    @Test
    void resumingFromACheckpointContinuesTheSameTrajectory() {
        Examples data = randomExamples("train", 100, 1L);
        Examples heldOut = randomExamples("held-out", 30, 2L);

        MultiLayerNetwork uninterrupted = student();
        List<EpochMetrics> expected = trainer(plan(), heldOut).train(uninterrupted, data, TrainingProgress.START, null);

        MultiLayerNetwork interrupted = student();
        Checkpoints checkpoints = new Checkpoints(dir);
        // 7 steps per epoch, 21 in all: checkpoints land at steps 5, 10, 15 and 20.
        trainer(plan(), heldOut).train(interrupted, data, TrainingProgress.START, checkpoints);

        Checkpoints.Checkpoint latest = checkpoints.latest().orElseThrow();
        assertEquals(new TrainingState(20, 2, 6), latest.state());
        Checkpoints.Checkpoint middle = checkpoints.read("step-000000000010");
        assertEquals(new TrainingState(10, 1, 3), middle.state());
        assertEquals(1, middle.progress().history().size(), "the checkpoint carries the finished epoch's metrics");

        MultiLayerNetwork resumed = student();
        List<EpochMetrics> reported = trainer(plan(), heldOut).resume(checkpoints.restore(middle), resumed, data,
                middle.progress(), null);
        assertEquals(deterministicPart(expected), deterministicPart(reported),
                "the resumed run reports every epoch as the uninterrupted one did, the resumed epoch's loss included");

        assertIdentical(uninterrupted.params(), resumed.params(), "resumed parameters");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void replicasStoppedAndResumedFromACheckpointEndBitForBitWhereAnUndisturbedGroupEnds(int workers) {
        Examples heldOut = randomExamples("held-out", 30, 2L);
        // 40 rows a shard in batches of 16: 3 steps an epoch, 9 in all; a checkpoint every 4 steps.
        TrainingPlan plan = new TrainingPlan(3, 16, 99L, Schedule.linear(4.0, 2.0), Schedule.linear(0.9, 0.2), 4);
        List<Trained> undisturbed = Ranks.all(workers, replicas(workers, plan, heldOut, null, null, false));

        Checkpoints checkpoints = new Checkpoints(dir);
        List<Ranks.Outcome<Trained>> stopped = Ranks.run(workers, replicas(workers, plan, heldOut, checkpoints, null, true));
        assertInstanceOf(Stop.class, stopped.get(0).failure(), "rank 0 stops after the second epoch");
        for (int rank = 1; rank < workers; rank++) {
            assertNotNull(stopped.get(rank).failure(), "rank " + rank + " must fail when rank 0 stops");
        }
        Checkpoints.Checkpoint latest = checkpoints.latest().orElseThrow();
        assertEquals(new TrainingState(4, 1, 1), latest.state(), "the checkpoint the group stopped after");

        List<Trained> resumed = Ranks.all(workers, replicas(workers, plan, heldOut, checkpoints, latest, false));
        for (int rank = 0; rank < workers; rank++) {
            assertIdentical(undisturbed.get(rank).params(), resumed.get(rank).params(), "resumed rank " + rank);
        }
        assertEquals(deterministicPart(undisturbed.get(0).history()), deterministicPart(resumed.get(0).history()),
                "rank 0 reports every epoch as the undisturbed group's rank 0 did");
    }

    /** What one replica ended with. */
    private record Trained(INDArray params, List<EpochMetrics> history) {
    }

    /** Thrown by rank 0 at the end of its second epoch, to stop a group as a failing executor would. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super("stopped after the second epoch");
        }
    }

    /**
     * Each rank's part in training {@code workers} replicas, each on a shard of 40 rows, from the start or, if
     * {@code resume} is given, from that checkpoint, which rank 0 restores while the others start from a fresh student,
     * as executors do.
     *
     * @param stop whether rank 0 throws {@link Stop} after its second epoch, failing the others' next exchange
     */
    private static IntFunction<Trained> replicas(int workers, TrainingPlan plan, Examples heldOut,
            Checkpoints checkpoints, Checkpoints.Checkpoint resume, boolean stop) {
        List<Transport> transports = InProcessTransport.group(workers, Duration.ofMinutes(1), 1 << 20);
        return rank -> {
            Examples shard = randomExamples("shard " + rank, 40, 10L + rank);
            MultiLayerNetwork network = student();
            DistillationTrainer trainer = trainer(plan, heldOut);
            if (stop && rank == 0) {
                trainer.addListener(metrics -> {
                    if (metrics.epoch() == 2) {
                        throw new Stop();
                    }
                });
            }
            try (Communicator group = Communicator.of(transports.get(rank))) {
                Replica replica = new Replica(group, 40);
                List<EpochMetrics> history = resume != null && rank == 0
                        ? trainer.resume(checkpoints.restore(resume), network, InMemoryShard.of(shard), resume.progress(),
                                checkpoints, replica)
                        : trainer.train(network, shard, resume == null ? TrainingProgress.START : resume.progress(),
                                checkpoints, replica);
                return new Trained(network.params(), history);
            }
        };
    }

    @Test
    void aCheckpointAtTheFinalStepResumesToTheWholeHistoryWithoutTraining() {
        Examples data = randomExamples("train", 100, 1L);
        Examples heldOut = randomExamples("held-out", 30, 2L);
        Checkpoints checkpoints = new Checkpoints(dir);
        // 7 steps per epoch, 21 in all: checkpoints every 7 steps land at the end of each epoch, the last at step 21.
        TrainingPlan plan = new TrainingPlan(3, 16, 99L, Schedule.linear(4.0, 2.0), Schedule.linear(1.0, 0.2), 7);
        MultiLayerNetwork trained = student();
        List<EpochMetrics> expected = trainer(plan, heldOut).train(trained, data, TrainingProgress.START, checkpoints);

        Checkpoints.Checkpoint last = checkpoints.latest().orElseThrow();
        assertEquals(new TrainingState(21, 3, 0), last.state());
        assertEquals(expected, last.progress().history(), "the final checkpoint is written after the last evaluation");
        MultiLayerNetwork resumed = student();
        assertEquals(expected, trainer(plan, heldOut).resume(checkpoints.restore(last), resumed, data, last.progress(),
                null));
        assertIdentical(trained.params(), resumed.params(), "parameters after resuming at the final step");
    }

    /** Two intact checkpoints in {@code dir}, at steps 3 and 6 of the first epoch. */
    Checkpoints checkpointsAtSteps3And6() {
        Checkpoints checkpoints = new Checkpoints(dir);
        checkpoints.save(student(), TrainingProgress.of(new TrainingState(3, 0, 3)), 1L);
        checkpoints.save(student(), TrainingProgress.of(new TrainingState(6, 0, 6)), 1L);
        return checkpoints;
    }

    @Test
    void aTruncatedLatestModelFallsBackToTheCheckpointBeforeItAndNamesTheFile() throws IOException {
        Checkpoints checkpoints = checkpointsAtSteps3And6();
        Path model = dir.resolve("step-000000000006").resolve(Checkpoints.MODEL_FILE);
        byte[] whole = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(whole, whole.length / 2));

        List<String> warnings = new ArrayList<>();
        assertEquals(3, checkpoints.latest(warnings::add).orElseThrow().state().step());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(model.toString()) && warnings.get(0).contains("truncated or corrupt")
                && warnings.get(0).contains("falling back"), warnings.get(0));
    }

    @Test
    void aCorruptHistoryOrStateAlsoFallsBackAndNoIntactCheckpointMeansNone() throws IOException {
        Checkpoints checkpoints = checkpointsAtSteps3And6();
        Path history = dir.resolve("step-000000000006").resolve(EpochHistoryFile.FILE);
        Files.write(history, new byte[] {1, 2, 3});
        List<String> warnings = new ArrayList<>();
        assertEquals(3, checkpoints.latest(warnings::add).orElseThrow().state().step());
        assertTrue(warnings.get(0).contains(history.toString()), warnings.toString());

        Files.writeString(dir.resolve("step-000000000003").resolve(Checkpoints.STATE_FILE), "");
        warnings.clear();
        assertTrue(checkpoints.latest(warnings::add).isEmpty());
        assertEquals(2, warnings.size(), warnings.toString());
    }

    @Test
    void stateFileMatchesTheGoldenFormat() throws IOException {
        String golden;
        try (InputStream in = getClass().getResourceAsStream("/checkpoint/golden-state.properties")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(golden, Checkpoints.formatState(new TrainingProgress(new TrainingState(120, 2, 7), 3.25,
                List.of()), 42L, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"));
        Checkpoints checkpoints = new Checkpoints(dir);
        checkpoints.save(student(), new TrainingProgress(new TrainingState(120, 2, 7), 3.25, List.of()), 42L);
        Checkpoints.Checkpoint read = checkpoints.read("step-000000000120");
        assertEquals(new TrainingProgress(new TrainingState(120, 2, 7), 3.25, List.of()), read.progress());
        assertEquals(42L, read.seed());
        String written = Files.readString(dir.resolve("step-000000000120").resolve(Checkpoints.STATE_FILE));
        assertEquals(golden.replaceAll("Sha256=[0-9a-f]+", "Sha256=…"), written.replaceAll("Sha256=[0-9a-f]+", "Sha256=…"));
    }

    @Test
    void latestIgnoresUnfinishedTemporaryFolders() throws IOException {
        Checkpoints checkpoints = new Checkpoints(dir);
        checkpoints.save(student(), TrainingProgress.of(new TrainingState(3, 0, 3)), 1L);
        Files.createDirectories(dir.resolve(".step-000000000009.tmp-1-2"));
        assertEquals(3, checkpoints.latest().orElseThrow().state().step());
        assertFalse(new Checkpoints(dir.resolve("absent")).latest().isPresent());
    }

    @Test
    void unreadableStateIsReportedWithItsFile() throws IOException {
        Path folder = dir.resolve("step-000000000001");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(Checkpoints.STATE_FILE), "format=other/9\nstep=1\n");
        InvalidInputException format = assertThrows(InvalidInputException.class, () -> new Checkpoints(dir).read("step-000000000001"));
        assertTrue(format.getMessage().contains("other/9") && format.getMessage().contains(folder.toString()),
                format.getMessage());
        Files.writeString(folder.resolve(Checkpoints.STATE_FILE), "format=" + Checkpoints.FORMAT + "\nstep=x\n");
        InvalidInputException number = assertThrows(InvalidInputException.class, () -> new Checkpoints(dir).read("step-000000000001"));
        assertTrue(number.getMessage().contains("step = x"), number.getMessage());
    }

    /** Everything an epoch reports except wall time and the measured pipeline times. */
    static List<List<Double>> deterministicPart(List<EpochMetrics> history) {
        return history.stream().map(m -> List.of((double) m.epoch(), (double) m.step(), m.trainLoss(), m.accuracy(),
                m.agreement(), m.teacherKl(), m.ece())).toList();
    }
}
