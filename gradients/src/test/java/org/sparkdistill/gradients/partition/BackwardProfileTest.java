package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackwardProfileTest {
    @Test
    void theFirstStepIsTakenAsItIs() {
        BackwardProfile profile = new BackwardProfile(2);
        profile.record(new double[] {0.3, 0.7});
        assertArrayEquals(new double[] {0.3, 0.7}, profile.seconds());
        assertEquals(1, profile.steps());
    }

    @Test
    void laterStepsMoveTheEstimateBySmoothingTimesTheDifference() {
        BackwardProfile profile = new BackwardProfile(2, 0.5);
        profile.record(new double[] {4, 0});
        profile.record(new double[] {8, 2});
        assertArrayEquals(new double[] {6, 1}, profile.seconds());
        profile.record(new double[] {8, 2});
        assertArrayEquals(new double[] {7, 1.5}, profile.seconds());
    }

    @Test
    void theErrorAfterAChangeShrinksByOneMinusSmoothingEachStep() {
        BackwardProfile profile = new BackwardProfile(1);
        profile.record(new double[] {1});
        for (int n = 1; n <= 20; n++) {
            profile.record(new double[] {2});
            double expectedError = Math.pow(1 - BackwardProfile.DEFAULT_SMOOTHING, n);
            assertEquals(2 - expectedError, profile.seconds()[0], 1e-12);
        }
    }

    @Test
    void smoothingOneKeepsOnlyTheLastStep() {
        BackwardProfile profile = new BackwardProfile(1, 1);
        profile.record(new double[] {1});
        profile.record(new double[] {5});
        assertArrayEquals(new double[] {5}, profile.seconds());
    }

    @Test
    void theEstimateIsACopy() {
        BackwardProfile profile = new BackwardProfile(1);
        profile.record(new double[] {1});
        profile.seconds()[0] = 99;
        assertArrayEquals(new double[] {1}, profile.seconds());
    }

    @Test
    void hasNoEstimateBeforeTheFirstStep() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new BackwardProfile(3).seconds());
        assertTrue(e.getMessage().contains("before the first recorded step"), e.getMessage());
    }

    @Test
    void refusesAStepOfTheWrongLength() {
        BackwardProfile profile = new BackwardProfile(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> profile.record(new double[] {1, 2}));
        assertTrue(e.getMessage().contains("secondsPerLayer has 2 entries but there are 3 layers"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> profile.record(null));
    }

    @Test
    void refusesNegativeNanAndInfiniteTimesAndStaysUnchanged() {
        BackwardProfile profile = new BackwardProfile(2);
        profile.record(new double[] {1, 1});
        for (double bad : new double[] {-1, Double.NaN, Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> profile.record(new double[] {2, bad}));
            assertTrue(e.getMessage().contains("secondsPerLayer[1] is " + bad), e.getMessage());
        }
        assertArrayEquals(new double[] {1, 1}, profile.seconds());
        assertEquals(1, profile.steps());
    }

    @Test
    void refusesASmoothingOutsideZeroToOne() {
        for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BackwardProfile(2, bad));
            assertTrue(e.getMessage().contains("smoothing must be in (0, 1], not " + bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new BackwardProfile(0));
    }
}
