package org.sparkdistill.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.data.Examples;

class InferenceSpeedTest {
    @Test
    void timesSingleExamplesThenFullBatchesOfAtMostTheDataItHas() {
        Examples ten = new Examples("ten", new float[10 * 4], new int[10], new int[] {4}, 2);
        List<Long> rows = new ArrayList<>();
        InferenceSpeed speed = InferenceSpeed.measure(ten, features -> {
            rows.add(features.size(0));
            return features;
        });
        assertEquals(10, speed.batchSize());
        assertEquals(List.of(1L), rows.subList(0, 20).stream().distinct().toList(),
                "10 warm-up and 10 timed single examples first");
        assertTrue(rows.subList(20, rows.size()).stream().allMatch(n -> n == 10), "then only full batches");
        assertTrue(rows.size() - 20 >= 6 && rows.size() - 20 <= 201,
                "a warm-up batch and 5 to 200 timed: " + rows.size());
        assertTrue(speed.millisPerExample() > 0 && speed.examplesPerSecond() > 0, speed.toString());
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, InferenceSpeed.median(new double[] {4, 1, 3, 2}));
        assertEquals(3.0, InferenceSpeed.median(new double[] {5, 1, 3}));
    }
}
