package org.sparkdistill.gradients.overlap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.gradients.collective.CollectiveException;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.InProcessTransport;
import org.sparkdistill.gradients.collective.Ranks;
import org.sparkdistill.gradients.collective.Transport;
import org.sparkdistill.gradients.partition.BucketPlan;
import org.sparkdistill.gradients.partition.GradientLayout;

class BucketSchedulerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final GradientLayout LAYOUT = GradientLayout.ofBackwardLengths(new long[] {3, 0, 7, 1, 5, 0}, 4);

    @Test
    void everyPlanAveragesTheWholeGradientOverTheRanks() {
        List<BucketPlan> plans = List.of(BucketPlan.fused(6), BucketPlan.perLayer(6), BucketPlan.ofEnds(1, 2, 6),
                BucketPlan.ofEnds(2, 5, 6), BucketPlan.ofEnds(3, 4, 6));
        for (int ranks : new int[] {1, 2, 3}) {
            for (BucketPlan plan : plans) {
                List<float[]> results = runSteps(ranks, List.of(plan), 1);
                for (float[] result : results) {
                    assertArrayEquals(expectedMean(ranks, 0), result, 1e-6f, ranks + " ranks, plan " + plan);
                }
            }
        }
    }

    @Test
    void theRanksCanSwitchPlansBetweenSteps() {
        List<BucketPlan> plans = List.of(BucketPlan.perLayer(6), BucketPlan.fused(6), BucketPlan.ofEnds(4, 6));
        List<float[]> results = runSteps(3, plans, 3);
        for (float[] result : results) {
            assertArrayEquals(expectedMean(3, 2), result, 1e-6f);
        }
    }

    @Test
    void aBucketLeavesAsSoonAsItsLastLayerIsReady() {
        List<Transport> transports = InProcessTransport.group(2, TIMEOUT, 1 << 20);
        List<Boolean> reducedEarly = Ranks.all(2, rank -> {
            try (Communicator group = Communicator.of(transports.get(rank))) {
                INDArray gradient = gradient(rank, 0);
                assertTrue(gradient.getFloat(14) != sum(2, 0, 14), "the sum must differ from each rank's own value");
                try (BucketScheduler scheduler = new BucketScheduler(group, LAYOUT, gradient,
                        BucketPlan.ofEnds(1, 6))) {
                    scheduler.beginStep();
                    scheduler.layerReady(0);
                    // Layer 0 is the last three elements; without sending more, its sum must arrive.
                    boolean arrived = awaitValue(gradient, 14, sum(2, 0, 14));
                    for (int k = 1; k < 6; k++) {
                        scheduler.layerReady(k);
                    }
                    scheduler.finishStep();
                    return arrived;
                }
            }
        });
        assertEquals(List.of(true, true), reducedEarly);
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void closingAfterAnInterruptedStepStopsTheCommunicationThreadBeforeReturningAndKeepsTheInterrupt() {
        List<Transport> transports = InProcessTransport.group(2, Duration.ofMinutes(10), 1 << 20);
        try (Communicator silentPeer = Communicator.of(transports.get(1));
             Communicator group = Communicator.of(transports.get(0))) {
            BucketScheduler scheduler = new BucketScheduler(group, LAYOUT, gradient(0, 0), BucketPlan.fused(6));
            scheduler.beginStep();
            for (int k = 0; k < 6; k++) {
                scheduler.layerReady(k);
            }
            Thread.currentThread().interrupt();
            CollectiveException stopped = assertThrows(CollectiveException.class, scheduler::finishStep);
            assertEquals("interrupted while waiting for the gradient all-reduce", stopped.getMessage());
            scheduler.close();
            assertTrue(Thread.interrupted(), "the closing thread stays interrupted");
            assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(
                    thread -> thread.getName().equals("spark-distill all-reduce, rank 0") && thread.isAlive()),
                    "the all-reduce thread has ended when close returns");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void bucketTimesCoverEveryBucketInPlanOrder() {
        List<Transport> transports = InProcessTransport.group(2, TIMEOUT, 1 << 20);
        List<BucketTimes> times = Ranks.all(2, rank -> {
            try (Communicator group = Communicator.of(transports.get(rank));
                 BucketScheduler scheduler = new BucketScheduler(group, LAYOUT, gradient(rank, 0),
                         BucketPlan.ofEnds(1, 3, 6))) {
                scheduler.beginStep();
                for (int k = 0; k < 6; k++) {
                    scheduler.layerReady(k);
                }
                return scheduler.finishStep();
            }
        });
        for (BucketTimes time : times) {
            assertArrayEquals(new long[] {12, 28, 24}, time.bytes());
            assertEquals(64, time.totalBytes());
            for (int b = 0; b < 3; b++) {
                assertTrue(time.endNanos()[b] >= time.startNanos()[b]);
                if (b > 0) {
                    assertTrue(time.startNanos()[b] >= time.endNanos()[b - 1], "buckets run one after another");
                }
            }
            assertEquals(time.lastEndNanos(), time.endNanos()[2]);
            assertEquals(0, time.secondsAfter(time.lastEndNanos()));
            assertEquals(time.totalSeconds(), time.secondsAfter(Long.MIN_VALUE), 1e-12);
        }
    }

    @Test
    void layersReportedOutOfOrderOrOutsideAStepAreRefused() {
        Communicator alone = Communicator.of(InProcessTransport.group(1, TIMEOUT, 1 << 20).get(0));
        try (BucketScheduler scheduler = new BucketScheduler(alone, LAYOUT, gradient(0, 0), BucketPlan.fused(6))) {
            IllegalStateException outside = assertThrows(IllegalStateException.class, () -> scheduler.layerReady(0));
            assertTrue(outside.getMessage().contains("outside a step"), outside.getMessage());
            scheduler.beginStep();
            IllegalStateException skipped = assertThrows(IllegalStateException.class, () -> scheduler.layerReady(1));
            assertTrue(skipped.getMessage().contains("expected layer 0"), skipped.getMessage());
            IllegalStateException change = assertThrows(IllegalStateException.class,
                    () -> scheduler.setPlan(BucketPlan.perLayer(6)));
            assertTrue(change.getMessage().contains("between steps"), change.getMessage());
            assertThrows(IllegalStateException.class, scheduler::beginStep);
            scheduler.finishStep();
            assertThrows(IllegalStateException.class, scheduler::finishStep);
        }
    }

    @Test
    void mismatchedPlansAndGradientsAreRefused() {
        Communicator alone = Communicator.of(InProcessTransport.group(1, TIMEOUT, 1 << 20).get(0));
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> new BucketScheduler(alone, LAYOUT, Nd4j.zeros(DataType.FLOAT, 15), BucketPlan.fused(6)));
        assertTrue(length.getMessage().contains("15 elements"), length.getMessage());
        try (BucketScheduler scheduler = new BucketScheduler(alone, LAYOUT, gradient(0, 0), BucketPlan.fused(6))) {
            IllegalArgumentException layers = assertThrows(IllegalArgumentException.class,
                    () -> scheduler.setPlan(BucketPlan.fused(5)));
            assertTrue(layers.getMessage().contains("covers 5 layers"), layers.getMessage());
        }
    }

    @Test
    void aPeerThatDiesMidStepFailsTheOthersStepWithoutHanging() {
        List<Transport> transports = InProcessTransport.group(3, TIMEOUT, 1 << 20);
        List<Ranks.Outcome<Void>> outcomes = Ranks.run(3, rank -> {
            Communicator group = Communicator.of(transports.get(rank));
            if (rank == 2) {
                group.close();
                return null;
            }
            try (BucketScheduler scheduler = new BucketScheduler(group, LAYOUT, gradient(rank, 0),
                    BucketPlan.perLayer(6))) {
                scheduler.beginStep();
                for (int k = 0; k < 6; k++) {
                    scheduler.layerReady(k);
                }
                scheduler.finishStep();
                return null;
            } finally {
                group.close();
            }
        });
        for (int rank = 0; rank < 2; rank++) {
            Throwable failure = outcomes.get(rank).failure();
            assertInstanceOf(CollectiveException.class, failure, "rank " + rank);
        }
    }

    @Test
    void closeStopsTheCommunicationThread() {
        Communicator alone = Communicator.of(InProcessTransport.group(1, TIMEOUT, 1 << 20).get(0));
        BucketScheduler scheduler = new BucketScheduler(alone, LAYOUT, gradient(0, 0), BucketPlan.perLayer(6));
        scheduler.beginStep();
        for (int k = 0; k < 6; k++) {
            scheduler.layerReady(k);
        }
        scheduler.finishStep();
        scheduler.close();
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().startsWith("spark-distill all-reduce") && thread.isAlive()));
    }

    /** Runs {@code steps} steps on every rank, step {@code s} with plan {@code s % plans.size()}; the last gradient. */
    private static List<float[]> runSteps(int ranks, List<BucketPlan> plans, int steps) {
        List<Transport> transports = InProcessTransport.group(ranks, TIMEOUT, 1 << 20);
        return Ranks.all(ranks, rank -> {
            try (Communicator group = Communicator.of(transports.get(rank))) {
                INDArray gradient = gradient(rank, 0);
                try (BucketScheduler scheduler = new BucketScheduler(group, LAYOUT, gradient, plans.get(0))) {
                    for (int step = 0; step < steps; step++) {
                        gradient.assign(gradient(rank, step));
                        scheduler.setPlan(plans.get(step % plans.size()));
                        scheduler.beginStep();
                        for (int k = 0; k < LAYOUT.layers(); k++) {
                            scheduler.layerReady(k);
                        }
                        scheduler.finishStep();
                    }
                    return gradient.toFloatVector();
                }
            }
        });
    }

    /** Rank {@code rank}'s gradient at {@code step}: seeded random integers, so sums are exact. */
    private static INDArray gradient(int rank, int step) {
        Random random = new Random(1000L * rank + step);
        float[] values = new float[(int) LAYOUT.totalLength()];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(100) - 50;
        }
        return Nd4j.createFromArray(values).reshape(1, values.length);
    }

    private static float sum(int ranks, int step, int element) {
        float sum = 0;
        for (int rank = 0; rank < ranks; rank++) {
            sum += gradient(rank, step).getFloat(element);
        }
        return sum;
    }

    private static float[] expectedMean(int ranks, int step) {
        float[] mean = new float[(int) LAYOUT.totalLength()];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = sum(ranks, step, i) / ranks;
        }
        return mean;
    }

    /** Waits, without sleeping, until {@code element} of {@code gradient} holds {@code value}, or a deadline passes. */
    private static boolean awaitValue(INDArray gradient, int element, float value) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (gradient.getFloat(element) == value) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }
}
