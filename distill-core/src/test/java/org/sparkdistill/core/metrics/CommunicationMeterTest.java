package org.sparkdistill.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparkdistill.gradients.overlap.StepReport;
import org.sparkdistill.gradients.partition.BucketPlan;

class CommunicationMeterTest {
    private static final BucketPlan TWO = BucketPlan.ofEnds(2, 4);
    private static final BucketPlan ONE = BucketPlan.fused(4);

    @Test
    void summaryAveragesStepsAndWeighsOverlapAndBandwidthByTime() {
        CommunicationMeter meter = new CommunicationMeter(4);
        meter.add(new StepReport(0.1, 0.2, 0.3, 0.05, 0.1, 0.12, 0.1, 3_000, 7, TWO, 0.1, 0.33), 0.05);
        meter.add(new StepReport(0.3, 0.4, 0.1, 0.03, 0.0, 0.0, 0.0, 1_000, 7, TWO, 0.0, 0.09), 0.15);

        CommunicationMetrics metrics = meter.summary();

        assertEquals(2, metrics.steps());
        assertEquals(0.2, metrics.forwardSeconds(), 1e-12);
        assertEquals(0.3, metrics.backwardSeconds(), 1e-12);
        assertEquals(0.1, metrics.optimizerSeconds(), 1e-12);
        assertEquals(0.2, metrics.communicationSeconds(), 1e-12);
        assertEquals(0.04, metrics.communicationCpuSeconds(), 1e-12);
        assertEquals(0.05, metrics.exposedSeconds(), 1e-12);
        assertEquals(0.06, metrics.tailSeconds(), 1e-12);
        assertEquals(0.05, metrics.groupTailSeconds(), 1e-12);
        assertEquals(1 - 0.1 / 0.4, metrics.overlapRatio(), 1e-12);
        assertEquals(1.5 * 4_000 / 0.4, metrics.busBandwidthBytesPerSecond(), 1e-6);
        assertEquals(0.05, metrics.predictedTailSeconds(), 1e-12);
        assertEquals(0.1, metrics.communicationPredictionError(), 1e-9);
        assertEquals("[0-1|2-3]", metrics.plan());
        assertEquals(0, metrics.planChanges());
        assertEquals(0.65, metrics.stepSeconds(), 1e-12);
    }

    @Test
    void planChangesCountAlsoAcrossAnEpochBoundary() {
        CommunicationMeter meter = new CommunicationMeter(2);
        meter.add(report(TWO), 0);
        meter.add(report(ONE), 0);
        meter.add(report(ONE), 0);
        assertEquals(1, meter.summary().planChanges());
        meter.reset();
        meter.add(report(TWO), 0);
        CommunicationMetrics next = meter.summary();
        assertEquals(1, next.planChanges());
        assertEquals(1, next.steps());
        assertEquals("[0-1|2-3]", next.plan());
    }

    @Test
    void withoutStepsThereIsNoSummaryAndWithoutCommunicationNoRatios() {
        CommunicationMeter meter = new CommunicationMeter(1);
        assertNull(meter.summary());
        meter.add(new StepReport(0.1, 0.1, 0, Double.NaN, 0, 0, 0, 0, Double.NaN, ONE, 0, 0), 0.01);
        CommunicationMetrics metrics = meter.summary();
        assertTrue(Double.isNaN(metrics.overlapRatio()));
        assertTrue(Double.isNaN(metrics.busBandwidthBytesPerSecond()));
        assertTrue(Double.isNaN(metrics.communicationPredictionError()));
        assertTrue(Double.isNaN(metrics.communicationCpuSeconds()));
    }

    private static StepReport report(BucketPlan plan) {
        return new StepReport(0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 100, 1000, plan, 0.01, 0.1);
    }
}
