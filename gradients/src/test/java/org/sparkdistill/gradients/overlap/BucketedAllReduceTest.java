package org.sparkdistill.gradients.overlap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.InProcessTransport;
import org.sparkdistill.gradients.collective.Ranks;
import org.sparkdistill.gradients.collective.Transport;
import org.sparkdistill.gradients.partition.AdaptivePolicy;
import org.sparkdistill.gradients.partition.BucketPlan;
import org.sparkdistill.gradients.partition.CostModel;
import org.sparkdistill.gradients.partition.GradientLayout;
import org.sparkdistill.gradients.partition.PartitionPolicies;
import org.sparkdistill.gradients.partition.PartitionPolicy;
import org.sparkdistill.gradients.partition.ReplanConfig;

class BucketedAllReduceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * The output layer is large and the rest small (but above the adaptive policy's 64 KiB minimum bucket): sending
     * the output layer early hides nearly all communication.
     */
    private static final GradientLayout LAYOUT = GradientLayout.ofBackwardLengths(new long[] {1 << 20, 20_000, 0, 9},
            4);
    /** Each layer's backward pass is said to take this long, whatever the test's threads really take. */
    private static final long LAYER_NANOS = 20_000_000L;
    private static final int STEPS = 9;
    private static final ReplanConfig EVERY_4 = new ReplanConfig(4, 0.05, 1e-4);

    @Test
    void rankZerosPlanReachesEveryRankAtTheSameStepAndNoElementIsLostOrCountedTwice() {
        List<Transport> transports = InProcessTransport.group(3, TIMEOUT, 8 << 20);
        // Ranks 1 and 2 would plan differently; they must follow rank 0 all the same.
        List<List<BucketPlan>> plans = Ranks.all(3, rank -> run(transports.get(rank), rank,
                rank == 0 ? new AdaptivePolicy() : new PerLayerOpinion()));
        assertEquals(plans.get(0), plans.get(1));
        assertEquals(plans.get(0), plans.get(2));
        List<BucketPlan> rankZero = plans.get(0);
        assertEquals(BucketPlan.fused(4), rankZero.get(0), "with no measurements yet the adaptive plan is one bucket");
        assertEquals(rankZero.get(0), rankZero.get(3));
        assertNotEquals(rankZero.get(3), rankZero.get(4), "the plan changes at the first re-planning step");
        assertEquals(0, rankZero.get(4).last(0), "the large output layer goes alone, first");
    }

    @Test
    void everyPolicyAveragesEveryStepExactly() {
        for (String policy : List.of("fused", "per-layer", "fixed:1", "mgwfbp", "adaptive")) {
            List<Transport> transports = InProcessTransport.group(2, TIMEOUT, 8 << 20);
            Ranks.all(2, rank -> run(transports.get(rank), rank, PartitionPolicies.parse(policy)));
        }
    }

    @Test
    void reportsSplitTheStepIntoForwardBackwardAndCommunication() {
        List<Transport> transports = InProcessTransport.group(2, TIMEOUT, 8 << 20);
        List<StepReport> reports = Ranks.all(2, rank -> {
            try (Communicator group = Communicator.of(transports.get(rank));
                 BucketedAllReduce exchange = BucketedAllReduce.start(group, LAYOUT, gradient(rank, 0),
                         new OverlapSettings(PartitionPolicies.parse("per-layer"), EVERY_4))) {
                exchange.beginStep(0);
                long start = System.nanoTime() + LAYER_NANOS;
                exchange.backwardStarted(start);
                for (int k = 0; k < LAYOUT.layers(); k++) {
                    exchange.layerReady(k, start + (k + 1) * LAYER_NANOS);
                }
                return exchange.finishStep();
            }
        });
        for (StepReport report : reports) {
            assertEquals(4 * LAYER_NANOS / 1e9, report.backwardSeconds(), 1e-9);
            assertTrue(report.forwardSeconds() > 0);
            assertEquals(LAYOUT.rangeBytes(0, 3), report.bytes());
            assertTrue(report.communicationSeconds() > 0);
            assertTrue(report.communicationCpuSeconds() > 0
                    && report.communicationCpuSeconds() <= report.communicationSeconds() + 1e-3,
                    "communication CPU " + report.communicationCpuSeconds());
            assertTrue(report.exposedSeconds() <= report.communicationSeconds() + 1e-12);
            assertTrue(report.groupTailSeconds() <= report.tailSeconds(), "the group's tail is the smallest");
            assertTrue(report.overlapRatio() >= 0 && report.overlapRatio() <= 1, "overlap " + report.overlapRatio());
            assertEquals(BucketPlan.perLayer(4), report.plan());
            assertTrue(report.busBytesPerSecond() > 0);
            assertTrue(report.predictedCommunicationSeconds() > 0);
        }
    }

    /** Runs {@link #STEPS} steps, checking each step's mean; the plan in force at each step. */
    private static List<BucketPlan> run(Transport transport, int rank, PartitionPolicy policy) {
        List<BucketPlan> plans = new ArrayList<>();
        try (Communicator group = Communicator.of(transport)) {
            INDArray gradient = gradient(rank, 0);
            try (BucketedAllReduce exchange = BucketedAllReduce.start(group, LAYOUT, gradient,
                    new OverlapSettings(policy, EVERY_4))) {
                for (int step = 0; step < STEPS; step++) {
                    gradient.assign(gradient(rank, step));
                    exchange.beginStep(step);
                    plans.add(exchange.plan());
                    long start = System.nanoTime();
                    exchange.backwardStarted(start);
                    for (int k = 0; k < LAYOUT.layers(); k++) {
                        exchange.layerReady(k, start + (k + 1) * LAYER_NANOS);
                    }
                    exchange.finishStep();
                    assertArrayEquals(mean(group.size(), step), gradient.toFloatVector(), 0f,
                            "rank " + rank + ", step " + step + ", plan " + plans.get(step));
                }
            }
        }
        return plans;
    }

    /** Rank {@code rank}'s gradient at {@code step}: seeded small integers, so sums are exact in floats. */
    private static INDArray gradient(int rank, int step) {
        Random random = new Random(7919L * rank + step);
        float[] values = new float[(int) LAYOUT.totalLength()];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(64);
        }
        return Nd4j.createFromArray(values).reshape(1, values.length).castTo(DataType.FLOAT);
    }

    private static float[] mean(int ranks, int step) {
        float[] sum = new float[(int) LAYOUT.totalLength()];
        for (int rank = 0; rank < ranks; rank++) {
            float[] values = gradient(rank, step).toFloatVector();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += values[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= ranks;
        }
        return sum;
    }

    /** A measured policy that always wants one bucket per layer. */
    private record PerLayerOpinion() implements PartitionPolicy {
        @Override
        public String name() {
            return "per-layer opinion";
        }

        @Override
        public BucketPlan plan(GradientLayout layout, double[] backwardSeconds, CostModel cost) {
            return BucketPlan.perLayer(layout.layers());
        }

        @Override
        public boolean adaptive() {
            return true;
        }
    }
}
