package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertCloseRelativeToMove;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.InProcessTransport;
import org.sparkdistill.gradients.collective.Ranks;
import org.sparkdistill.gradients.collective.Transport;
import org.sparkdistill.gradients.overlap.OverlapSettings;
import org.sparkdistill.gradients.partition.AdaptivePolicy;
import org.sparkdistill.gradients.partition.BucketPlan;
import org.sparkdistill.gradients.partition.CostModel;
import org.sparkdistill.gradients.partition.GradientLayout;
import org.sparkdistill.gradients.partition.PartitionPolicies;
import org.sparkdistill.gradients.partition.PartitionPolicy;
import org.sparkdistill.gradients.partition.ReplanConfig;

/**
 * Synchronous data parallelism: N replicas averaging gradients take the steps of one worker on N times the batch.
 *
 * <p>Where both sides run the same floating-point operations in the same order the comparison is bit for bit: replicas
 * of one run against each other, and bucket plans against one bucket on two ranks, where each element's sum is one
 * commutative addition whatever the plan. Elsewhere the two sides compute the same step by different operations: one
 * worker sums each weight's gradient over N·B rows in one matrix product and scales it by 1/(N·B); N replicas each sum
 * over B rows and scale by 1/B, the ring adds the N partial sums in an order set by the element's place in its chunk,
 * and the result is divided by N. Each float32 operation rounds by up to 2^-24 (6e-8) of its result, and the rounding
 * feeds back through the later steps' forward and backward passes. Those comparisons are judged against the distance
 * the parameters moved: within {@link #SUMMATION_ORDER_TOLERANCE} under SGD, whose step is proportional to the
 * gradient, and within {@link #ADAM_TOLERANCE} under Adam, which magnifies rounding (see there).
 */
class DataParallelTest {
    private static final int BATCH_PER_WORKER = 8;
    private static final int STEPS = 12;
    /**
     * Hidden widths giving a 1.46 MB gradient that every bucket policy can cut: in backward order the output layer
     * (243 elements) and the second hidden layer (327,760) fill the fixed policy's 1 MiB first bucket, and the first
     * hidden layer (36,864 elements, 147 KB) is above the adaptive policy's 64 KiB minimum bucket.
     */
    private static final List<Integer> HIDDEN = List.of(4096, 80);
    /**
     * 1e-6 of the distance moved, about 17 float32 roundings (2^-24 each) of the update. Twelve steps of SGD ended
     * 3.1e-7 to 3.5e-7 of the distance apart here for N replicas against one worker (N = 2, 3, 4, with and without
     * distillation), and up to 2.3e-7 for bucket plans against one bucket on three ranks; the bound leaves a factor of
     * about 3 for other processors' matrix kernels, while a real difference in the steps (a gradient summed instead of
     * averaged, a ring step left out) shows up at 0.1 to 1.4 of the distance.
     */
    private static final double SUMMATION_ORDER_TOLERANCE = 1e-6;
    /**
     * 1e-4 of the distance moved under Adam. Adam divides each element's averaged gradient by the root of its own
     * second moment, so an element whose gradient over the batch nearly cancels, and is then mostly rounding, still
     * takes a step of up to the learning rate, in a direction rounding decides. No bound in float32 epsilons follows;
     * twelve steps ended 2.8e-5 (N = 2) and 1.9e-6 (N = 3) of the distance apart here, and the bound leaves a factor
     * of 3.6 above the larger. The SGD tests hold the averaging itself to {@link #SUMMATION_ORDER_TOLERANCE}.
     */
    private static final double ADAM_TOLERANCE = 1e-4;
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final IUpdater SGD = UpdaterKind.SGD.withLearningRate(0.1);
    /** The runs with one bucket, by number of ranks: the reference of every policy's runs, computed once. */
    private static final Map<Integer, Run> FUSED_RUNS = new HashMap<>();

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void nWorkersWithBatchBMatchOneWorkerWithBatchNTimesBUnderPlainSgd(int workers) {
        assertReplicasMatchOneWorker(workers, SGD, SUMMATION_ORDER_TOLERANCE);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void theEquivalenceHoldsForAdamBecauseTheUpdaterSeesTheAveragedGradient(int workers) {
        assertReplicasMatchOneWorker(workers, UpdaterKind.ADAM.withLearningRate(0.01), ADAM_TOLERANCE);
    }

    private static void assertReplicasMatchOneWorker(int workers, IUpdater updater, double tolerance) {
        Examples data = data(workers);
        int[] order = Batches.inOrder(data.size());
        int global = workers * BATCH_PER_WORKER;
        MultiLayerNetwork single = network(updater);
        INDArray start = single.params().dup();
        for (int step = 0; step < STEPS; step++) {
            single.fit(batch(data, order, step * global, (step + 1) * global));
        }
        Run replicas = replicas(workers, updater, OverlapSettings.DEFAULT);
        for (int rank = 0; rank < workers; rank++) {
            assertCloseRelativeToMove(start, single.params(), replicas.params().get(rank), tolerance,
                    "rank " + rank + " of " + workers + " against one worker");
        }
        replicas.assertRanksIdentical();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void distillingReplicasInAdaptiveBucketsEachOnItsShardMatchOneReplicaOnTheShardsTogether(int workers) {
        // Every shard is one batch, so each epoch is one step over the same rows on both sides, in another order.
        Examples all = CheckpointsTest.randomExamples("train", workers * BATCH_PER_WORKER, 4L);
        Examples heldOut = CheckpointsTest.randomExamples("held-out", 30, 2L);
        MultiLayerNetwork alone = network(SGD);
        INDArray start = alone.params().dup();
        List<EpochMetrics> aloneHistory = CheckpointsTest.trainer(distillation(all.size()), heldOut).train(alone, all);
        assertEquals(STEPS, aloneHistory.get(STEPS - 1).step());

        // The replicas cut their gradient into buckets with the adaptive policy (on a fixed profile, so that the cut
        // does not depend on this machine's timings), and the plan rank 0 reports for every epoch must be cut.
        List<Transport> transports = InProcessTransport.group(workers, TIMEOUT, 1 << 20);
        List<Result> results = Ranks.all(workers, rank -> {
            Examples shard = all.select(IntStream.range(rank * BATCH_PER_WORKER, (rank + 1) * BATCH_PER_WORKER).toArray());
            MultiLayerNetwork replica = network(SGD);
            try (Communicator group = Communicator.of(transports.get(rank))) {
                List<EpochMetrics> history = CheckpointsTest.trainer(distillation(BATCH_PER_WORKER), heldOut).train(
                        replica, shard, TrainingState.START, null,
                        new Replica(group, BATCH_PER_WORKER, settings(new AdaptiveOnAFixedProfile())));
                return new Result(replica.params(), history);
            }
        });
        List<EpochMetrics> reported = results.get(0).history();
        assertEquals(STEPS, reported.size(), "rank 0 reports every epoch");
        for (EpochMetrics epoch : reported) {
            String plan = epoch.communication().plan();
            assertTrue(plan.contains("|"), "epoch " + epoch.epoch() + ": the adaptive plan " + plan
                    + " does not cut the gradient");
        }
        List<INDArray> params = results.stream().map(Result::params).toList();
        for (int rank = 0; rank < workers; rank++) {
            assertCloseRelativeToMove(start, alone.params(), params.get(rank), SUMMATION_ORDER_TOLERANCE,
                    "distilling rank " + rank + " of " + workers + " against one replica");
            assertIdentical(params.get(0), params.get(rank), "distilling rank " + rank + " against rank 0");
        }
    }

    /** KD at T from 4 down to 2 and α from 0.7 down to 0.3, one step an epoch over a shard of {@code batchSize} rows. */
    private static TrainingPlan distillation(int batchSize) {
        return new TrainingPlan(STEPS, batchSize, 99L, Schedule.linear(4.0, 2.0), Schedule.linear(0.7, 0.3), 0);
    }

    /** The plan each policy must choose for this student, where it does not depend on measured times. */
    private static final Map<String, BucketPlan> STATIC_PLANS = Map.of(
            "fused", BucketPlan.fused(3),
            "per-layer", BucketPlan.perLayer(3),
            "fixed:0.0001", BucketPlan.ofEnds(2, 3));

    @ParameterizedTest
    @ValueSource(strings = {"per-layer", "fixed:0.0001", "mgwfbp", "adaptive"})
    void everyBucketPolicyTakesTheStepsOfOneBucketBitForBitOnTwoRanks(String policy) {
        Run bucketed = assertSameStepsAsFusedBuckets(PartitionPolicies.parse(policy));
        if (STATIC_PLANS.containsKey(policy)) {
            assertEquals(List.of(STATIC_PLANS.get(policy)), bucketed.plans().stream().distinct().toList(),
                    policy + ": plans in force");
        }
    }

    @Test
    void theAdaptivePlanCutsThisStudentsGradientAndTakesTheStepsOfOneBucket() {
        Run adaptive = assertSameStepsAsFusedBuckets(new AdaptiveOnAFixedProfile());
        for (BucketPlan plan : adaptive.plans()) {
            assertTrue(plan.buckets() > 1, "the adaptive plan " + plan + " does not cut the gradient");
        }
    }

    /**
     * Trains with {@code policy} and with one bucket, on two ranks, where every element's sum is the same single
     * addition whatever the buckets, so the parameters must be identical; and on three ranks, where a bucket boundary
     * moves an element to another chunk of the ring and so changes the order in which its three terms are added.
     *
     * @return the two-rank run with {@code policy}
     */
    private static Run assertSameStepsAsFusedBuckets(PartitionPolicy policy) {
        Run fused = fusedRun(2);
        Run bucketed = replicas(2, SGD, settings(policy));
        for (int rank = 0; rank < 2; rank++) {
            assertIdentical(fused.params().get(rank), bucketed.params().get(rank),
                    policy.name() + " on two ranks, rank " + rank + ", plans " + bucketed.plans());
        }
        bucketed.assertRanksIdentical();

        INDArray start = network(SGD).params();
        Run threeBucketed = replicas(3, SGD, settings(policy));
        for (int rank = 0; rank < 3; rank++) {
            assertCloseRelativeToMove(start, fusedRun(3).params().get(rank), threeBucketed.params().get(rank),
                    SUMMATION_ORDER_TOLERANCE, policy.name() + " on three ranks, rank " + rank + ", plans "
                            + threeBucketed.plans());
        }
        threeBucketed.assertRanksIdentical();
        return bucketed;
    }

    /** The run of {@code workers} ranks under SGD with one bucket, checked to have used one bucket at every step. */
    private static synchronized Run fusedRun(int workers) {
        return FUSED_RUNS.computeIfAbsent(workers, n -> {
            Run fused = replicas(n, SGD, settings(PartitionPolicies.parse("fused")));
            assertEquals(List.of(BucketPlan.fused(3)), fused.plans().stream().distinct().toList(), "fused plans in force");
            return fused;
        });
    }

    /**
     * The adaptive policy planning from a fixed backward profile and cost model instead of this machine's
     * measurements, so that its plan does not depend on timing: each layer's backward pass takes
     * {@code secondsPerLayer} plus {@code secondsPerByte} per byte of gradient, and an all-reduce of b bytes 100 µs +
     * b / (100 MB/s), a 1 Gbit/s link. Never re-planned, as its inputs never change.
     *
     * @param minBucketBytes the adaptive policy's smallest bucket
     */
    record AdaptiveOnAFixedProfile(double secondsPerLayer, double secondsPerByte, long minBucketBytes)
            implements PartitionPolicy {
        private static final CostModel GIGABIT = new CostModel(100e-6, 1e-8);

        /** 1 ns of backward pass per byte of gradient, and the adaptive policy's default smallest bucket. */
        AdaptiveOnAFixedProfile() {
            this(0, 1e-9, AdaptivePolicy.DEFAULT_MIN_BUCKET_BYTES);
        }

        @Override
        public String name() {
            return AdaptivePolicy.NAME + " on a fixed profile";
        }

        @Override
        public BucketPlan plan(GradientLayout layout, double[] backwardSeconds, CostModel cost) {
            double[] fixed = new double[layout.layers()];
            for (int k = 0; k < fixed.length; k++) {
                fixed[k] = secondsPerLayer + layout.rangeBytes(k, k) * secondsPerByte;
            }
            return new AdaptivePolicy(minBucketBytes).plan(layout, fixed, GIGABIT);
        }
    }

    /** Each rank's parameters after the run, and the bucket plan rank 0 used at each step. */
    private record Run(List<INDArray> params, List<BucketPlan> plans) {
        void assertRanksIdentical() {
            for (int rank = 1; rank < params.size(); rank++) {
                assertIdentical(params.get(0), params.get(rank), "rank " + rank + " against rank 0");
            }
        }
    }

    /** One rank's parameters after the run, and the bucket plan it used at each step. */
    private record RankRun(INDArray params, List<BucketPlan> plans) {
    }

    /** Trains {@code workers} replicas for {@link #STEPS} steps, each on its slice of every global batch. */
    private static Run replicas(int workers, IUpdater updater, OverlapSettings settings) {
        Examples data = data(workers);
        int[] order = Batches.inOrder(data.size());
        int global = workers * BATCH_PER_WORKER;
        List<Transport> transports = InProcessTransport.group(workers, TIMEOUT, 1 << 20);
        List<RankRun> ranks = Ranks.all(workers, rank -> {
            MultiLayerNetwork replica = network(updater);
            List<BucketPlan> plans = new ArrayList<>();
            try (Communicator group = Communicator.of(transports.get(rank));
                 BucketedGradientAverager averager = BucketedGradientAverager.attach(replica, group, settings)) {
                replica.addListeners(averager);
                for (int step = 0; step < STEPS; step++) {
                    int start = step * global + rank * BATCH_PER_WORKER;
                    averager.beginStep(step);
                    plans.add(averager.plan());
                    replica.fit(batch(data, order, start, start + BATCH_PER_WORKER));
                }
            }
            return new RankRun(replica.params(), plans);
        });
        return new Run(ranks.stream().map(RankRun::params).toList(), ranks.get(0).plans());
    }

    private static Examples data(int workers) {
        return CheckpointsTest.randomExamples("train", workers * BATCH_PER_WORKER * STEPS, 3L);
    }

    /** Re-plans every 3 steps, so measured policies may change plans during the run. */
    static OverlapSettings settings(PartitionPolicy policy) {
        return new OverlapSettings(policy, new ReplanConfig(3, 0, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void replicasOnUnequalShardsStayIdenticalAndOnlyRankZeroReports(int workers) {
        int[] shardSizes = {40, 37, 33};
        List<Transport> transports = InProcessTransport.group(workers, TIMEOUT, 1 << 20);
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
            assertIdentical(results.get(0).params(), results.get(rank).params(), "rank " + rank + " diverged");
            assertEquals(rank == 0 ? plan.epochs() : 0, results.get(rank).history().size(), "rank " + rank);
        }
        assertEquals(plan.epochs() * plan.stepsPerEpoch(shardSizes[0]), results.get(0).history().get(plan.epochs() - 1).step());
    }

    private record Result(INDArray params, List<EpochMetrics> history) {
    }

    @Test
    void anEmptyShardOrAnEmptyLargestShardIsRefusedByNameBeforeAnyStep() {
        InvalidInputException noLargest = assertThrows(InvalidInputException.class, () -> new Replica(null, 0));
        assertEquals("the largest shard must hold at least one example, got 0", noLargest.getMessage());

        MultiLayerNetwork student = CheckpointsTest.student();
        INDArray before = student.params().dup();
        Examples empty = CheckpointsTest.randomExamples("shard 2", 0, 1L);
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> CheckpointsTest
                .trainer(CheckpointsTest.plan(), empty).train(student, empty, TrainingState.START, null, Replica.alone(1)));
        assertEquals("training data 'shard 2' has no examples", refused.getMessage());
        assertIdentical(before, student.params(), "the refused student's parameters");
    }

    private static MultiLayerNetwork network(IUpdater updater) {
        return Networks.mlp(CheckpointsTest.FEATURES, HIDDEN, CheckpointsTest.CLASSES, updater, 7L);
    }

    private static DataSet batch(Examples data, int[] order, int from, int to) {
        return new DataSet(Batches.features(data, order, from, to), Batches.oneHot(data, order, from, to));
    }
}
