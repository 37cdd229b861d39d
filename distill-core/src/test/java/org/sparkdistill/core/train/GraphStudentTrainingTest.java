package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertCloseRelativeToMove;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.BiPredicate;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.nn.ComputePath;
import org.sparkdistill.core.objective.DistillationObjective;
import org.sparkdistill.core.objective.FitNetHint;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.objective.Students;
import org.sparkdistill.core.objective.TeacherOutput;
import org.sparkdistill.core.teacher.Dl4jTeacher;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.InProcessTransport;
import org.sparkdistill.gradients.collective.Ranks;
import org.sparkdistill.gradients.collective.Transport;
import org.sparkdistill.gradients.partition.PartitionPolicy;

/**
 * A residual ComputationGraph CNN student, distilled with KD and a FitNet hint from a CNN teacher, keeps the
 * invariants of data parallelism and of checkpoints.
 */
class GraphStudentTrainingTest {
    private static final int WORKERS = 2;
    private static final int BATCH_PER_WORKER = 8;
    private static final int EPOCHS = 6;
    private static final double TOLERANCE = 1e-5;

    /**
     * Every layer's backward pass takes a millisecond, so that sending layers while the layers below them compute pays
     * even for this small student, and any bucket is allowed.
     */
    private static final PartitionPolicy SLOW_LAYERS = new DataParallelTest.AdaptiveOnAFixedProfile(1e-3, 0, 0);

    @TempDir
    Path dir;

    private static final List<DistillationObjective> OBJECTIVES = List.of(new KnowledgeDistillation(0.9),
            new FitNetHint("pool", new TeacherOutput(0, "dense", 8), 0.1));

    static Examples images(String name, int rows, long seed) {
        return images(name, rows, seed, 0.5f, (pixel, label) -> pixel % Students.CLASSES == label);
    }

    /**
     * {@code rows} seeded images of uniform noise with random labels, where pixel {@code j} of an image labelled
     * {@code c} is {@code lift} brighter when {@code signal.test(j, c)}.
     */
    static Examples images(String name, int rows, long seed, float lift, BiPredicate<Integer, Integer> signal) {
        Random random = new Random(seed);
        float[] features = new float[rows * Students.FEATURES];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(Students.CLASSES);
            for (int j = 0; j < Students.FEATURES; j++) {
                features[i * Students.FEATURES + j] = (float) random.nextDouble()
                        + (signal.test(j, labels[i]) ? lift : 0f);
            }
        }
        return new Examples(name, features, labels, new int[] {1, Students.SIDE, Students.SIDE}, Students.CLASSES);
    }

    private static TeacherEnsemble teacher() {
        return TeacherEnsemble.of(List.of(Dl4jTeacher.of("teacher", Students.cnn(new Adam(0.01), 5L))),
                EnsembleWeighting.UNIFORM);
    }

    private static DistillationTrainer trainer(TrainingPlan plan, TeacherEnsemble teacher) {
        Examples heldOut = images("held-out", 20, 2L);
        return new DistillationTrainer(plan, teacher, Evaluator.withTeacher(heldOut, teacher), OBJECTIVES);
    }

    @Test
    void twoWorkersInAdaptiveBucketsTakeTheStepsOfOneWorkerOnTheConcatenatedBatch() {
        // Every shard is one batch, so each epoch is one step over the same rows on both sides.
        Examples all = images("train", WORKERS * BATCH_PER_WORKER, 4L);
        TrainingPlan plan = new TrainingPlan(EPOCHS, all.size(), 99L, Schedule.linear(4.0, 2.0),
                Schedule.linear(0.7, 0.3), 0);
        ComputationGraph alone = Students.residual(new Sgd(0.1), 23L);
        INDArray start = alone.params().dup();
        try (TeacherEnsemble teacher = teacher()) {
            trainer(plan, teacher).train(alone, all);
        }
        List<Transport> transports = InProcessTransport.group(WORKERS, Duration.ofMinutes(1), 1 << 20);
        List<Result> results = Ranks.all(WORKERS, rank -> {
            Examples shard = all.select(IntStream.range(rank * BATCH_PER_WORKER, (rank + 1) * BATCH_PER_WORKER)
                    .toArray());
            ComputationGraph replica = Students.residual(new Sgd(0.1), 23L);
            TrainingPlan shardPlan = new TrainingPlan(EPOCHS, BATCH_PER_WORKER, 99L, Schedule.linear(4.0, 2.0),
                    Schedule.linear(0.7, 0.3), 0);
            try (Communicator group = Communicator.of(transports.get(rank)); TeacherEnsemble teacher = teacher()) {
                List<EpochMetrics> history = trainer(shardPlan, teacher).train(replica, shard, TrainingState.START,
                        null, new Replica(group, BATCH_PER_WORKER,
                                DataParallelTest.settings(SLOW_LAYERS)));
                return new Result(replica.params(), history);
            }
        });
        for (EpochMetrics epoch : results.get(0).history()) {
            assertTrue(epoch.communication().plan().contains("|"), "epoch " + epoch.epoch() + ": the adaptive plan "
                    + epoch.communication().plan() + " does not cut the gradient");
        }
        for (int rank = 0; rank < WORKERS; rank++) {
            assertCloseRelativeToMove(start, alone.params(), results.get(rank).params(), TOLERANCE,
                    "rank " + rank + " against one worker on both shards");
        }
        assertIdentical(results.get(0).params(), results.get(1).params(), "rank 1 against rank 0");
    }

    @Test
    void aRunResumedFromACheckpointContinuesTheSameTrajectory() {
        Examples data = images("train", 40, 1L);
        // 40 rows in batches of 16: 3 steps an epoch, 9 in all; a checkpoint every 4 steps.
        TrainingPlan plan = new TrainingPlan(3, 16, 99L, Schedule.linear(4.0, 2.0), Schedule.linear(0.9, 0.2), 4);
        Checkpoints checkpoints = new Checkpoints(dir);
        try (TeacherEnsemble teacher = teacher()) {
            ComputationGraph uninterrupted = Students.residual(new Adam(0.01), 23L);
            List<EpochMetrics> expected = trainer(plan, teacher).train(uninterrupted, data, TrainingProgress.START,
                    checkpoints);
            Checkpoints.Checkpoint middle = checkpoints.read("step-000000000004");
            assertEquals(new TrainingState(4, 1, 1), middle.state());
            ComputationGraph resumed = Students.residual(new Adam(0.01), 23L);
            List<EpochMetrics> reported = trainer(plan, teacher).resume(checkpoints.restore(middle), resumed, data,
                    middle.progress(), null);
            assertIdentical(uninterrupted.params(), resumed.params(), "parameters resumed from step 4");
            assertEquals(CheckpointsTest.deterministicPart(expected), CheckpointsTest.deterministicPart(reported));
        }
    }

    @Test
    void theFastComputePathTrainsAsDl4jsOwnLayersAndUpdaterDo() {
        Examples data = images("train", 40, 6L);
        TrainingPlan plan = new TrainingPlan(3, 16, 99L, Schedule.linear(4.0, 2.0), Schedule.linear(0.9, 0.2), 0);
        try (TeacherEnsemble teacher = teacher()) {
            ComputationGraph dl4j = Students.residual(new Adam(0.01), 23L);
            INDArray start = dl4j.params().dup();
            List<EpochMetrics> dl4jHistory = trainer(plan, teacher).computePath(ComputePath.DL4J).train(dl4j, data);
            ComputationGraph fast = Students.residual(new Adam(0.01), 23L);
            List<EpochMetrics> fastHistory = trainer(plan, teacher).computePath(ComputePath.FAST_WHERE_EXACT)
                    .train(fast, data);
            assertCloseRelativeToMove(start, dl4j.params(), fast.params(), TOLERANCE, "the fast path against DL4J's");
            for (int epoch = 0; epoch < dl4jHistory.size(); epoch++) {
                assertEquals(dl4jHistory.get(epoch).trainLoss(), fastHistory.get(epoch).trainLoss(), 1e-5,
                        "training loss of epoch " + epoch);
            }
        }
    }

    private record Result(INDArray params, List<EpochMetrics> history) {
    }
}
