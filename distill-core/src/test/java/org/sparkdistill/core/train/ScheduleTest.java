package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;

class ScheduleTest {
    @Test
    void constantIsTheSameEverywhere() {
        Schedule s = Schedule.constant(4.0);
        assertEquals(4.0, s.valueAt(0, 100));
        assertEquals(4.0, s.valueAt(99, 100));
    }

    @Test
    void linearRunsFromStartAtTheFirstStepToEndAtTheLast() {
        Schedule annealing = Schedule.linear(1.0, 0.0);
        assertEquals(1.0, annealing.valueAt(0, 11));
        assertEquals(0.5, annealing.valueAt(5, 11));
        assertEquals(0.0, annealing.valueAt(10, 11));
        assertEquals(0.0, annealing.valueAt(50, 11), "clamped past the end");
        assertEquals(1.0, annealing.valueAt(0, 1), "a one-step run uses the start");
    }

    @Test
    void refusesNonFiniteValues() {
        assertThrows(InvalidInputException.class, () -> Schedule.constant(Double.NaN));
        assertThrows(InvalidInputException.class, () -> Schedule.linear(1, Double.POSITIVE_INFINITY));
    }
}
