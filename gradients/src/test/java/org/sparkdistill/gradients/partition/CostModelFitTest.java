package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CostModelFitTest {
    @Test
    void recoversAlphaAndBetaFromNoisySamples() {
        double alpha = 2e-4;
        double beta = 1e-9;
        Random random = new Random(42L);
        CostModelFit fit = new CostModelFit();
        for (int n = 0; n < CostModelFit.DEFAULT_WINDOW; n++) {
            long bytes = (long) Math.pow(2, 10 + random.nextDouble() * 16);
            double noise = 1 + 0.03 * random.nextGaussian();
            fit.record(bytes, (alpha + beta * bytes) * noise);
        }
        CostModel model = fit.fit().orElseThrow();
        assertEquals(alpha, model.alphaSeconds(), 0.05 * alpha, model.toString());
        assertEquals(beta, model.betaSecondsPerByte(), 0.05 * beta, model.toString());
    }

    @Test
    void exactSamplesGiveTheExactLine() {
        CostModelFit fit = new CostModelFit();
        fit.record(1000, 0.5 + 1000 * 0.001);
        fit.record(3000, 0.5 + 3000 * 0.001);
        CostModel model = fit.fit().orElseThrow();
        assertEquals(0.5, model.alphaSeconds(), 1e-12);
        assertEquals(0.001, model.betaSecondsPerByte(), 1e-15);
    }

    /** Times falling with size fit a negative beta; the best line with beta = 0 is the mean time, 1.5 s. */
    @Test
    void aNegativeBetaIsConstrainedToZero() {
        CostModelFit fit = new CostModelFit();
        fit.record(1000, 2.0);
        fit.record(2000, 1.0);
        assertEquals(Optional.of(new CostModel(1.5, 0)), fit.fit());
    }

    /**
     * Times growing faster than size fit a negative alpha; the best line through the origin has beta = (1000 · 0.5 +
     * 2000 · 2) / (1000² + 2000²) = 9e-4, whose squared error (0.2) is below the mean's (1.125).
     */
    @Test
    void aNegativeAlphaIsConstrainedToZero() {
        CostModelFit fit = new CostModelFit();
        fit.record(1000, 0.5);
        fit.record(2000, 2.0);
        CostModel model = fit.fit().orElseThrow();
        assertEquals(0, model.alphaSeconds());
        assertEquals(9e-4, model.betaSecondsPerByte(), 1e-15);
    }

    @Test
    void fitsNothingWithoutTwoDistinctSizes() {
        CostModelFit fit = new CostModelFit();
        assertEquals(Optional.empty(), fit.fit());
        fit.record(4096, 0.01);
        assertEquals(Optional.empty(), fit.fit());
        for (int n = 0; n < 10; n++) {
            fit.record(4096, 0.01 + n * 1e-4);
        }
        assertEquals(Optional.empty(), fit.fit());
        fit.record(8192, 0.02);
        assertTrue(fit.fit().isPresent());
    }

    @Test
    void keepsOnlyTheMostRecentSamples() {
        CostModelFit fit = new CostModelFit(4);
        for (long bytes = 1000; bytes <= 4000; bytes += 1000) {
            fit.record(bytes, 1 + bytes * 1e-3);
        }
        for (long bytes = 1000; bytes <= 4000; bytes += 1000) {
            fit.record(bytes, 0.25 + bytes * 2e-3);
        }
        assertEquals(4, fit.samples());
        CostModel model = fit.fit().orElseThrow();
        assertEquals(0.25, model.alphaSeconds(), 1e-12);
        assertEquals(2e-3, model.betaSecondsPerByte(), 1e-15);
    }

    @Test
    void aWindowOfOneSizeForgetsTheOtherSize() {
        CostModelFit fit = new CostModelFit(3);
        fit.record(1000, 1);
        fit.record(2000, 2);
        fit.record(2000, 2);
        fit.record(2000, 2);
        assertEquals(Optional.empty(), fit.fit());
    }

    @Test
    void refusesBadSamplesNamingTheValue() {
        CostModelFit fit = new CostModelFit();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fit.record(-1, 0.1));
        assertTrue(e.getMessage().contains("bytes >= 0, not -1"), e.getMessage());
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            e = assertThrows(IllegalArgumentException.class, () -> fit.record(100, bad));
            assertTrue(e.getMessage().contains("took " + bad + " s"), e.getMessage());
        }
        assertEquals(0, fit.samples());
    }

    @Test
    void refusesAWindowTooSmallForALine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CostModelFit(1));
        assertTrue(e.getMessage().contains("at least 2 samples, not 1"), e.getMessage());
    }
}
