package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.InProcessTransport;
import org.sparkdistill.gradients.collective.Ranks;
import org.sparkdistill.gradients.collective.Transport;

/** Synchronous data parallelism: N replicas averaging gradients take the steps of one worker on N times the batch. */
class DataParallelTest {
    private static final int BATCH_PER_WORKER = 8;
    private static final int STEPS = 12;

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void nWorkersWithBatchBMatchOneWorkerWithBatchNTimesBUnderPlainSgd(int workers) {
        assertReplicasMatchOneWorker(workers, new Sgd(0.1));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void theEquivalenceHoldsForAdamBecauseTheUpdaterSeesTheAveragedGradient(int workers) {
        assertReplicasMatchOneWorker(workers, UpdaterKind.ADAM.withLearningRate(0.01));
    }

    private static void assertReplicasMatchOneWorker(int workers, IUpdater updater) {
        Examples data = CheckpointsTest.randomExamples("train", workers * BATCH_PER_WORKER * STEPS, 3L);
        int[] order = Batches.inOrder(data.size());
        int global = workers * BATCH_PER_WORKER;

        MultiLayerNetwork single = network(updater);
        for (int step = 0; step < STEPS; step++) {
            single.fit(batch(data, order, step * global, (step + 1) * global));
        }

        List<Transport> transports = InProcessTransport.group(workers, Duration.ofMinutes(1), 1 << 20);
        List<INDArray> replicas = Ranks.all(workers, rank -> {
            MultiLayerNetwork replica = network(updater);
            try (Communicator group = Communicator.of(transports.get(rank))) {
                replica.addListeners(new GradientAverager(group));
                for (int step = 0; step < STEPS; step++) {
                    int start = step * global + rank * BATCH_PER_WORKER;
                    replica.fit(batch(data, order, start, start + BATCH_PER_WORKER));
                }
            }
            return replica.params();
        });
        for (int rank = 0; rank < workers; rank++) {
            double relativeError = replicas.get(rank).sub(single.params()).norm2Number().doubleValue()
                    / single.params().norm2Number().doubleValue();
            assertTrue(relativeError <= 1e-5, "rank " + rank + " of " + workers + ": relative error " + relativeError);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void replicasOnUnequalShardsStayIdenticalAndOnlyRankZeroReports(int workers) {
        int[] shardSizes = {40, 37, 33};
        List<Transport> transports = InProcessTransport.group(workers, Duration.ofMinutes(1), 1 << 20);
        Examples heldOut = CheckpointsTest.randomExamples("held-out", 30, 2L);
        TrainingPlan plan = CheckpointsTest.plan();
        List<Result> results = Ranks.all(workers, rank -> {
            Examples shard = CheckpointsTest.randomExamples("shard " + rank, shardSizes[rank], 10L + rank);
            // Replicas start from different initial parameters: rank 0's must reach all of them.
            MultiLayerNetwork student = Networks.mlp(CheckpointsTest.FEATURES, List.of(6), CheckpointsTest.CLASSES,
                    UpdaterKind.ADAM.withLearningRate(0.01), 100L + rank);
            try (Communicator group = Communicator.of(transports.get(rank))) {
                List<EpochMetrics> history = CheckpointsTest.trainer(plan, heldOut).train(student, shard,
                        TrainingState.START, null, new Replica(workers == 1 ? null : group, shardSizes[0]));
                return new Result(student.params(), history);
            }
        });
        for (int rank = 0; rank < workers; rank++) {
            assertEquals(results.get(0).params(), results.get(rank).params(), "rank " + rank + " diverged");
            assertEquals(rank == 0 ? plan.epochs() : 0, results.get(rank).history().size(), "rank " + rank);
        }
        assertEquals(plan.epochs() * plan.stepsPerEpoch(shardSizes[0]), results.get(0).history().get(plan.epochs() - 1).step());
    }

    private record Result(INDArray params, List<EpochMetrics> history) {
    }

    private static MultiLayerNetwork network(IUpdater updater) {
        return Networks.mlp(CheckpointsTest.FEATURES, List.of(16, 8), CheckpointsTest.CLASSES, updater, 7L);
    }

    private static DataSet batch(Examples data, int[] order, int from, int to) {
        return new DataSet(Batches.features(data, order, from, to), Batches.oneHot(data, order, from, to));
    }
}
