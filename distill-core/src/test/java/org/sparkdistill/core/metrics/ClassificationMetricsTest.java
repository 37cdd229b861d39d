package org.sparkdistill.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;

class ClassificationMetricsTest {
    // Three rows over two classes: confident-correct, confident-wrong, unsure-correct.
    static final float[] P = {0.95f, 0.05f, 0.9f, 0.1f, 0.4f, 0.6f};
    static final int[] LABELS = {0, 1, 1};

    @Test
    void accuracyCountsTopOneHits() {
        assertEquals(2.0 / 3, ClassificationMetrics.accuracy(P, 2, LABELS), 1e-12);
    }

    @Test
    void agreementComparesTopOnePredictions() {
        float[] other = {0.6f, 0.4f, 0.2f, 0.8f, 0.3f, 0.7f};
        assertEquals(2.0 / 3, ClassificationMetrics.agreement(P, other, 2), 1e-12);
        assertEquals(1.0, ClassificationMetrics.agreement(P, P, 2), 1e-12);
    }

    @Test
    void klIsZeroForIdenticalDistributionsAndMatchesTheFormula() {
        assertEquals(0.0, ClassificationMetrics.meanKl(P, P, 2), 0.0, "log p - log p is exactly 0");
        float[] t = {0.5f, 0.5f};
        float[] s = {0.25f, 0.75f};
        double expected = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
        assertEquals(expected, ClassificationMetrics.meanKl(t, s, 2), 1e-6);
    }

    @Test
    void calibrationErrorWeighsEachBinsGapByItsShare() {
        // Bin of 0.95: 1 row, accuracy 1 -> gap 0.05; bin of 0.9: 1 row, accuracy 0 -> gap 0.9;
        // bin of 0.6: 1 row, accuracy 1 -> gap 0.4. ECE = (0.05 + 0.9 + 0.4) / 3.
        assertEquals((0.05 + 0.9 + 0.4) / 3, ClassificationMetrics.expectedCalibrationError(P, 2, LABELS), 1e-6);
    }

    @Test
    void theReliabilityDiagramHasEveryBinWithItsRowsConfidenceAndAccuracy() {
        List<ReliabilityBin> bins = ClassificationMetrics.reliability(P, 2, LABELS);
        assertEquals(ClassificationMetrics.CALIBRATION_BINS, bins.size());
        assertEquals(List.of(9, 13, 14), IntStream.range(0, bins.size()).filter(b -> bins.get(b).rows() > 0).boxed()
                .toList(), "0.6, 0.9 and 0.95 fall in bins 9, 13 and 14 of 15");
        assertEquals(new ReliabilityBin(9 / 15.0, 10 / 15.0, 1, 0.6, 1.0), rounded(bins.get(9)));
        assertEquals(new ReliabilityBin(13 / 15.0, 14 / 15.0, 1, 0.9, 0.0), rounded(bins.get(13)));
        assertTrue(Double.isNaN(bins.get(0).confidence()) && Double.isNaN(bins.get(0).accuracy()), "an empty bin");
        assertEquals(ClassificationMetrics.expectedCalibrationError(P, 2, LABELS),
                ClassificationMetrics.expectedCalibrationError(bins), 1e-15);
    }

    private static ReliabilityBin rounded(ReliabilityBin bin) {
        return new ReliabilityBin(bin.lower(), bin.upper(), bin.rows(), Math.round(bin.confidence() * 1e6) / 1e6,
                bin.accuracy());
    }

    @Test
    void perfectlyCalibratedOneHotPredictionsHaveZeroError() {
        float[] oneHot = {1f, 0f, 0f, 1f};
        assertEquals(0.0, ClassificationMetrics.expectedCalibrationError(oneHot, 2, new int[] {0, 1}), 1e-12);
    }

    @Test
    void refusesMismatchedAndEmptyInputs() {
        assertThrows(InvalidInputException.class, () -> ClassificationMetrics.accuracy(P, 2, new int[] {0}));
        assertThrows(InvalidInputException.class, () -> ClassificationMetrics.accuracy(new float[0], 2, new int[0]));
        assertThrows(InvalidInputException.class, () -> ClassificationMetrics.agreement(P, new float[] {1f, 0f}, 2));
    }
}
