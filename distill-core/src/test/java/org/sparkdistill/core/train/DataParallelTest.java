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
import org.sparkdistill.gradients.overlap.OverlapSettings;
import org.sparkdistill.gradients.partition.PartitionPolicies;
import org.sparkdistill.gradients.partition.ReplanConfig;

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

    @ParameterizedTest
    @ValueSource(strings = {"per-layer", "fixed:0.0001", "mgwfbp", "adaptive"})
    void everyBucketPolicyTakesTheStepsOfFusedBuckets(String policy) {
        IUpdater updater = UpdaterKind.ADAM.withLearningRate(0.01);
        List<INDArray> fused = replicaParams(2, updater, settings("fused"));
        List<INDArray> bucketed = replicaParams(2, updater, settings(policy));
        for (int rank = 0; rank < 2; rank++) {
            // With two ranks each element's sum has one order whatever the buckets, so the results are identical.
            assertEquals(fused.get(rank), bucketed.get(rank), policy + ", rank " + rank);
        }
        List<INDArray> threeFused = replicaParams(3, updater, settings("fused"));
        List<INDArray> threeBucketed = replicaParams(3, updater, settings(policy));
        for (int rank = 0; rank < 3; rank++) {
            assertTrue(relativeError(threeBucketed.get(rank), threeFused.get(rank)) <= 1e-6, policy + ", rank " + rank);
        }
    }

    private static void assertReplicasMatchOneWorker(int workers, IUpdater updater) {
        Examples data = data(workers);
        int[] order = Batches.inOrder(data.size());
        int global = workers * BATCH_PER_WORKER;

        MultiLayerNetwork single = network(updater);
        for (int step = 0; step < STEPS; step++) {
            single.fit(batch(data, order, step * global, (step + 1) * global));
        }

        List<INDArray> replicas = replicaParams(workers, updater, OverlapSettings.DEFAULT);
        for (int rank = 0; rank < workers; rank++) {
            double relativeError = relativeError(replicas.get(rank), single.params());
            assertTrue(relativeError <= 1e-5, "rank " + rank + " of " + workers + ": relative error " + relativeError);
        }
    }

    /** Trains {@code workers} replicas for {@link #STEPS} steps, each on its slice of every global batch. */
    private static List<INDArray> replicaParams(int workers, IUpdater updater, OverlapSettings settings) {
        Examples data = data(workers);
        int[] order = Batches.inOrder(data.size());
        int global = workers * BATCH_PER_WORKER;
        List<Transport> transports = InProcessTransport.group(workers, Duration.ofMinutes(1), 1 << 20);
        return Ranks.all(workers, rank -> {
            MultiLayerNetwork replica = network(updater);
            try (Communicator group = Communicator.of(transports.get(rank));
                 BucketedGradientAverager averager = BucketedGradientAverager.attach(replica, group, settings)) {
                replica.addListeners(averager);
                for (int step = 0; step < STEPS; step++) {
                    int start = step * global + rank * BATCH_PER_WORKER;
                    averager.beginStep(step);
                    replica.fit(batch(data, order, start, start + BATCH_PER_WORKER));
                }
            }
            return replica.params();
        });
    }

    private static Examples data(int workers) {
        return CheckpointsTest.randomExamples("train", workers * BATCH_PER_WORKER * STEPS, 3L);
    }

    /** Re-plans every 3 steps, so measured policies change plans during the run. */
    private static OverlapSettings settings(String policy) {
        return new OverlapSettings(PartitionPolicies.parse(policy), new ReplanConfig(3, 0, 0));
    }

    private static double relativeError(INDArray actual, INDArray expected) {
        return actual.sub(expected).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
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
