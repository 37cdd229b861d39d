package org.sparkdistill.core.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.InvalidInputException;

/**
 * What every {@link Teacher} gives: logits {@code [N, C]} that depend only on each row, the same for the same rows,
 * and the activations of every layer it lists, in the order asked. A teacher's test implements this interface and
 * says how to build the teacher and how wide its rows are.
 */
public interface TeacherContract {
    /** Agreement between a row's values computed in batches of different sizes. */
    double BATCH_TOLERANCE = 1e-5;

    /** A new teacher under test, which the test closes; it should list at least one layer. */
    Teacher newTeacher();

    /** The width D of the rows the teacher takes. */
    int featureCount();

    /** Rows {@code [n, D]} of values drawn from a generator seeded with {@code seed}, standard normal by default. */
    default INDArray rows(int n, long seed) {
        Random random = new Random(seed);
        float[][] values = new float[n][featureCount()];
        for (float[] row : values) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return Nd4j.createFromArray(values);
    }

    @Test
    default void logitsHaveOneRowPerExampleAndOneColumnPerClass() {
        try (Teacher teacher = newTeacher()) {
            INDArray one = teacher.logits(rows(1, 1));
            INDArray many = teacher.logits(rows(64, 2));
            assertEquals(2, one.rank());
            assertEquals(1, one.size(0));
            assertArrayEquals(new long[] {64, one.size(1)}, many.shape());
            assertTrue(one.size(1) >= 1);
            assertFalse(many.isNaN().any() || many.isInfinite().any(), "logits are finite");
        }
    }

    @Test
    default void theSameRowsGiveTheSameLogits() {
        try (Teacher teacher = newTeacher()) {
            assertEquals(teacher.logits(rows(16, 3)), teacher.logits(rows(16, 3)));
        }
    }

    @Test
    default void aRowsLogitsDoNotDependOnTheOtherRowsOfItsBatch() {
        try (Teacher teacher = newTeacher()) {
            INDArray batch = rows(16, 4);
            INDArray together = teacher.logits(batch);
            for (int i = 0; i < 16; i++) {
                INDArray alone = teacher.logits(batch.getRow(i, true).dup());
                double gap = alone.sub(together.getRow(i, true)).amaxNumber().doubleValue();
                assertEquals(0, gap, BATCH_TOLERANCE, "row " + i);
            }
        }
    }

    @Test
    default void requireLayersRefusesAnUnknownNameAndAcceptsEveryListedOne() {
        try (Teacher teacher = newTeacher()) {
            assertFalse(teacher.layerNames().isEmpty(), "the teacher under test lists layers");
            teacher.requireLayers(teacher.layerNames());
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> teacher.requireLayers(List.of("no such layer")));
            assertTrue(e.getMessage().contains(teacher.name()) && e.getMessage().contains("'no such layer'"),
                    e.getMessage());
        }
    }

    @Test
    default void activationsAreOneFlatRowPerExampleInTheOrderAsked() {
        try (Teacher teacher = newTeacher()) {
            INDArray x = rows(5, 5);
            List<String> layers = new ArrayList<>(teacher.layerNames());
            Collections.reverse(layers);
            List<INDArray> all = teacher.activations(x, layers);
            assertEquals(layers.size(), all.size());
            for (int k = 0; k < layers.size(); k++) {
                INDArray activations = all.get(k);
                assertEquals(2, activations.rank(), layers.get(k));
                assertEquals(5, activations.size(0), layers.get(k));
                INDArray alone = teacher.activations(x, List.of(layers.get(k))).get(0);
                assertEquals(alone, activations, layers.get(k));
            }
            assertEquals(List.of(), teacher.activations(x, List.of()));
        }
    }

    @Test
    default void logitsAndActivationsTogetherAreTheSeparateCallsResults() {
        try (Teacher teacher = newTeacher()) {
            INDArray x = rows(7, 8);
            List<String> layers = teacher.layerNames();
            List<INDArray> together = teacher.logitsAndActivations(x, layers);
            assertEquals(1 + layers.size(), together.size());
            assertEquals(teacher.logits(x), together.get(0), "the logits");
            List<INDArray> separate = teacher.activations(x, layers);
            for (int k = 0; k < layers.size(); k++) {
                assertEquals(separate.get(k), together.get(k + 1), layers.get(k));
            }
            assertEquals(List.of(teacher.logits(x)), teacher.logitsAndActivations(x, List.of()));
            assertThrows(InvalidInputException.class, () -> teacher.logitsAndActivations(x, List.of("no such layer")));
        }
    }

    @Test
    default void closingTwiceIsHarmless() {
        Teacher teacher = newTeacher();
        teacher.logits(rows(2, 6));
        teacher.close();
        teacher.close();
    }
}
