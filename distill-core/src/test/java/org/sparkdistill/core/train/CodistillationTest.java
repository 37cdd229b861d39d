package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.InMemoryShard;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.objective.Codistillation;
import org.sparkdistill.core.objective.DistillationObjective;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.objective.Students;
import org.sparkdistill.core.teacher.SoftTargetSource;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.InProcessTransport;
import org.sparkdistill.gradients.collective.Ranks;
import org.sparkdistill.gradients.collective.Transport;

/** Four workers in two groups that train apart and learn from each other's stale copies (Anil et al. 2018). */
class CodistillationTest {
    private static final int WORKERS = 4;
    private static final int GROUPS = 2;
    private static final int ROWS_PER_WORKER = 32;
    private static final int BATCH = 8;

    @Test
    void anExchangeGivesEveryRankEveryGroupsParameters() {
        List<Transport> transports = InProcessTransport.group(WORKERS, Duration.ofMinutes(1), 1 << 20);
        List<INDArray> results = Ranks.all(WORKERS, rank -> {
            try (Communicator all = Communicator.of(transports.get(rank))) {
                WorkerGroups groups = WorkerGroups.of(all, GROUPS);
                assertEquals(rank / 2, groups.groupIndex());
                assertEquals(2, groups.group().size());
                INDArray own = Nd4j.valueArrayOf(new long[] {1, 5}, 10f * (groups.groupIndex() + 1), DataType.FLOAT);
                return groups.exchange(own);
            }
        });
        INDArray expected = Nd4j.createFromArray(new float[][] {{10, 10, 10, 10, 10}, {20, 20, 20, 20, 20}});
        for (int rank = 0; rank < WORKERS; rank++) {
            assertEquals(expected, results.get(rank), "rank " + rank);
        }
    }

    @Test
    void groupsThatDoNotDivideTheWorkersAndAnExchangeIntervalOfZeroAreRefusedNamingTheValues() {
        List<Transport> transports = InProcessTransport.group(3, Duration.ofMinutes(1), 1 << 20);
        List<String> messages = Ranks.all(3, rank -> {
            try (Communicator all = Communicator.of(transports.get(rank))) {
                return assertThrows(InvalidInputException.class, () -> WorkerGroups.of(all, 2)).getMessage();
            }
        });
        assertEquals("training.groups = 2 must be 2 or more and divide training.workers = 3 into groups of equal size",
                messages.get(0));
        List<Transport> pair = InProcessTransport.group(2, Duration.ofMinutes(1), 1 << 20);
        List<String> zero = Ranks.all(2, rank -> {
            try (Communicator all = Communicator.of(pair.get(rank))) {
                WorkerGroups groups = WorkerGroups.of(all, 2);
                return assertThrows(InvalidInputException.class, () -> trainer(1.0).codistill(groups, 0)).getMessage();
            }
        });
        assertTrue(zero.get(0).startsWith("training.exchangeEvery = 0"), zero.get(0));
    }

    /**
     * The codistill term weighs nothing before the first exchange (a run that never exchanges trains as one without
     * the term), and changes the training once the groups have exchanged.
     */
    @Test
    void groupsTrainApartAndTheTermActsOnlyOnceTheyHaveExchanged() {
        List<INDArray> never = codistil(1.0, 1_000);
        List<INDArray> without = codistil(0.0, 1_000);
        List<INDArray> exchanging = codistil(1.0, 3);
        for (int rank = 0; rank < WORKERS; rank++) {
            assertIdentical(without.get(rank), never.get(rank), "rank " + rank + ": no exchange, no term");
            assertFalse(without.get(rank).equals(exchanging.get(rank)), "rank " + rank + ": the exchanges act");
        }
        for (List<INDArray> run : List.of(never, exchanging)) {
            assertIdentical(run.get(0), run.get(1), "the ranks of group 0 stay identical");
            assertIdentical(run.get(2), run.get(3), "the ranks of group 1 stay identical");
            assertFalse(run.get(0).equals(run.get(2)), "the groups train different students");
        }
    }

    @Test
    void rankZeroReportsTheBytesItSentInsideItsGroupAndAcrossGroupsPerStep() {
        List<List<EpochMetrics>> histories = onEveryRank((groups, student, shard) -> trainer(1.0).codistill(groups, 2)
                .train(student, shard, TrainingProgress.START, null, new Replica(groups.group(), ROWS_PER_WORKER)));
        long params = Networks.mlp(Students.FEATURES, List.of(16), Students.CLASSES, new Adam(0.01), 1L).numParams();
        // 4 steps an epoch, an exchange every 2: per step, half an exchange. A pair's all-reduce sends the whole
        // gradient from each rank, and each rank its backward pass's tail (one double) to the other; an exchange sends
        // the leader's parameters to the other leader, then both groups' parameters to the leader's partner.
        double allReduce = params * Float.BYTES + Double.BYTES;
        double exchange = params * Float.BYTES;
        for (EpochMetrics epoch : histories.get(0)) {
            assertEquals(allReduce + GROUPS * exchange / 2, epoch.communication().bytesSentPerStep(), 1e-9,
                    "epoch " + epoch.epoch() + ": inside the group");
            assertEquals(exchange / 2, epoch.communication().crossGroupBytesPerStep(), 1e-9,
                    "epoch " + epoch.epoch() + ": across groups");
        }
    }

    /**
     * Every group's leader checkpoints its own group; a run resumed from the checkpoints of one step, every group from
     * its own, ends with the parameters of the uninterrupted run on every rank: mid-epoch, at an epoch's end, and at
     * the last step.
     */
    @Test
    void groupsResumedFromTheirCheckpointsEndAsTheUninterruptedRun(@TempDir Path dir) {
        GroupCheckpoints checkpoints = new GroupCheckpoints(new LocalCheckpointStore(dir), GROUPS);
        List<INDArray> uninterrupted = onEveryRank((groups, student, shard) -> {
            trainer(1.0, 2).codistill(groups, 2).train(student, shard, TrainingProgress.START,
                    checkpoints.group(groups.groupIndex()), new Replica(groups.group(), ROWS_PER_WORKER));
            return student.params().dup();
        });
        for (int g = 0; g < GROUPS; g++) {
            assertEquals(List.of(8L, 6L, 4L, 2L), checkpoints.group(g).steps(), "group " + g + "'s checkpoints");
        }
        for (long step : List.of(6L, 4L, 8L)) {
            List<INDArray> resumed = onEveryRank((groups, student, shard) -> {
                Checkpoints own = checkpoints.group(groups.groupIndex());
                Checkpoints.Checkpoint from = own.intact(step, Assertions::fail).orElseThrow();
                DistillationTrainer trainer = trainer(1.0, 2).codistill(groups, 2);
                Replica replica = new Replica(groups.group(), ROWS_PER_WORKER);
                List<EpochMetrics> history = replica.leads()
                        ? trainer.resume(own.restore(from), student, shard, from.progress(), null, replica)
                        : trainer.train(student, shard, from.progress(), null, replica);
                assertEquals(replica.leads() ? 2 : 0, history.size(), "the epochs reported");
                return student.params().dup();
            });
            for (int rank = 0; rank < WORKERS; rank++) {
                assertIdentical(uninterrupted.get(rank), resumed.get(rank), "rank " + rank + ", resumed from step "
                        + step);
            }
        }
    }

    @Test
    void checkpointsOffTheExchangesAndAResumeBetweenExchangesAreRefusedNamingTheValues() {
        List<Transport> pair = InProcessTransport.group(2, Duration.ofMinutes(1), 1 << 20);
        List<String> messages = Ranks.all(2, rank -> {
            try (Communicator all = Communicator.of(pair.get(rank))) {
                WorkerGroups groups = WorkerGroups.of(all, 2);
                String offExchanges = assertThrows(InvalidInputException.class,
                        () -> trainer(1.0, 3).codistill(groups, 2)).getMessage();
                MultiLayerNetwork student = Networks.mlp(Students.FEATURES, List.of(4), Students.CLASSES,
                        new Adam(0.01), 1L);
                String between = assertThrows(InvalidInputException.class, () -> trainer(1.0, 0).codistill(groups, 2)
                        .train(student, PeerTrainingTest.bands("rows", 16, 1L), new TrainingState(3, 0, 3), null,
                                new Replica(groups.group(), 16))).getMessage();
                return offExchanges + "\n" + between;
            }
        });
        assertEquals("training.checkpointEvery = 3 is not a multiple of training.exchangeEvery = 2: codistilling groups"
                + " checkpoint at exchanges, so that a resumed group learns from the same copies of the others\n"
                + "a codistillation group resumes only from a step at an exchange: step 3 is not a multiple of"
                + " training.exchangeEvery = 2", messages.get(0));
    }

    private static DistillationTrainer trainer(double weight) {
        return trainer(weight, 0);
    }

    private static DistillationTrainer trainer(double weight, int checkpointEvery) {
        List<DistillationObjective> objectives = List.of(KnowledgeDistillation.alone(), new Codistillation(weight, 2.0));
        return new DistillationTrainer(new TrainingPlan(2, BATCH, 99L, Schedule.constant(1.0), Schedule.constant(0.0),
                checkpointEvery), SoftTargetSource.HARD_LABELS,
                Evaluator.labelsOnly(PeerTrainingTest.bands("held-out", 30, 2L)), objectives);
    }

    /** Every rank's final parameters after two epochs of codistillation at {@code weight}. */
    private static List<INDArray> codistil(double weight, int exchangeEvery) {
        return onEveryRank((groups, student, shard) -> {
            trainer(weight).codistill(groups, exchangeEvery).train(student, shard, TrainingProgress.START, null,
                    new Replica(groups.group(), ROWS_PER_WORKER));
            return student.params().dup();
        });
    }

    /** What one rank computes from its groups, its group's new student and its shard. */
    private interface RankRun<T> {
        T run(WorkerGroups groups, MultiLayerNetwork student, InMemoryShard shard);
    }

    /** {@code run} on each of the workers in two groups, each on its own rows; group g's student from seed 23 + g. */
    private static <T> List<T> onEveryRank(RankRun<T> run) {
        Examples all = PeerTrainingTest.bands("train", WORKERS * ROWS_PER_WORKER, 4L);
        List<Transport> transports = InProcessTransport.group(WORKERS, Duration.ofMinutes(1), 1 << 20);
        return Ranks.all(WORKERS, rank -> {
            Examples shard = all.select(IntStream.range(rank * ROWS_PER_WORKER, (rank + 1) * ROWS_PER_WORKER)
                    .toArray());
            try (Communicator world = Communicator.of(transports.get(rank))) {
                WorkerGroups groups = WorkerGroups.of(world, GROUPS);
                MultiLayerNetwork student = Networks.mlp(Students.FEATURES, List.of(16), Students.CLASSES,
                        new Adam(0.01), 23L + groups.groupIndex());
                return run.run(groups, student, InMemoryShard.of(shard));
            }
        });
    }
}
