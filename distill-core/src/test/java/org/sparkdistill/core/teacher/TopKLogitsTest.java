package org.sparkdistill.core.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;

class TopKLogitsTest {
    static float[] randomLogits(Random random, int classes) {
        float[] logits = new float[classes];
        for (int j = 0; j < classes; j++) {
            logits[j] = (float) (random.nextGaussian() * 3);
        }
        return logits;
    }

    static double[] softmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) {
            max = Math.max(max, z / temperature);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int j = 0; j < logits.length; j++) {
            p[j] = Math.exp(logits[j] / temperature - max);
            sum += p[j];
        }
        for (int j = 0; j < p.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    @Test
    void withKAtLeastTheClassCountTheRowIsKeptWholeAndComesBackExactly() {
        Random random = new Random(11);
        for (int k : new int[] {10, 11, 1000}) {
            float[] logits = randomLogits(random, 10);
            TopKLogits kept = TopKLogits.compress(logits, k);
            assertTrue(kept.full());
            assertNull(kept.indices());
            assertTrue(Float.isNaN(kept.tail()));
            assertEquals(10, kept.kept());
            assertArrayEquals(logits, kept.expand(), 0f, "bit for bit");
            for (double t : new double[] {0.5, 1, 2, 4, 20}) {
                assertArrayEquals(softmax(logits, t), softmax(kept.expand(), t), 0.0);
            }
        }
    }

    @Test
    void keepsTheKLargestInDescendingOrderTiesToTheLowerIndex() {
        float[] logits = {1f, 5f, 3f, 5f, -2f, 3f, 0f};
        TopKLogits kept = TopKLogits.compress(logits, 3);
        assertFalse(kept.full());
        assertArrayEquals(new int[] {1, 3, 2}, kept.indices());
        assertArrayEquals(new float[] {5f, 5f, 3f}, kept.values());
        TopKLogits one = TopKLogits.compress(logits, 1);
        assertArrayEquals(new int[] {1}, one.indices());

        Random random = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            float[] z = randomLogits(random, 1 + random.nextInt(40));
            int k = 1 + random.nextInt(z.length);
            TopKLogits top = TopKLogits.compress(z, k);
            float smallestKept = Float.POSITIVE_INFINITY;
            for (float v : top.values()) {
                smallestKept = Math.min(smallestKept, v);
            }
            if (!top.full()) {
                boolean[] isKept = new boolean[z.length];
                for (int i : top.indices()) {
                    isKept[i] = true;
                }
                for (int j = 0; j < z.length; j++) {
                    assertTrue(isKept[j] || z[j] <= smallestKept, "class " + j + " left out but larger than a kept one");
                }
            }
        }
    }

    @Test
    void theTailCarriesExactlyTheLeftOutMassAtTemperatureOne() {
        Random random = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            float[] logits = randomLogits(random, 10);
            for (int k = 1; k < 10; k++) {
                TopKLogits kept = TopKLogits.compress(logits, k);
                double[] original = softmax(logits, 1);
                double[] rebuilt = softmax(kept.expand(), 1);
                double originalTail = 1;
                double rebuiltTail = 1;
                for (int i : kept.indices()) {
                    originalTail -= original[i];
                    rebuiltTail -= rebuilt[i];
                    assertEquals(original[i], rebuilt[i], 1e-6, "a kept class keeps its probability");
                }
                assertEquals(originalTail, rebuiltTail, 1e-6, "k = " + k);
            }
        }
    }

    @Test
    void theTailIsSpreadEvenlyOverTheLeftOutClassesAtEveryTemperature() {
        float[] logits = {4f, 1f, 0f, -1f, -3f};
        TopKLogits kept = TopKLogits.compress(logits, 2);
        float[] rebuilt = kept.expand();
        assertEquals(4f, rebuilt[0]);
        assertEquals(1f, rebuilt[1]);
        double tail = Math.log(Math.exp(0) + Math.exp(-1) + Math.exp(-3));
        for (int j = 2; j < 5; j++) {
            assertEquals(tail - Math.log(3), rebuilt[j], 1e-6);
        }
        for (double t : new double[] {0.5, 2, 8}) {
            double[] p = softmax(rebuilt, t);
            assertEquals(p[2], p[3], 1e-12);
            assertEquals(p[3], p[4], 1e-12);
        }
    }

    @Test
    void withKOneBelowTheClassCountTheReconstructionIsExactUpToRounding() {
        float[] logits = randomLogits(new Random(8), 10);
        assertArrayEquals(logits, TopKLogits.compress(logits, 9).expand(), 1e-6f);
    }

    @Test
    void badKAndNonFiniteLogitsAreRefusedWithAClearMessage() {
        float[] logits = {1f, 2f, 3f};
        assertEquals("k = 0: must be >= 1 (the number of largest logits kept per row)",
                assertThrows(InvalidInputException.class, () -> TopKLogits.compress(logits, 0)).getMessage());
        assertTrue(assertThrows(InvalidInputException.class, () -> TopKLogits.compress(logits, -3)).getMessage()
                .startsWith("k = -3: must be >= 1"));
        assertEquals("the logit of class 1 is NaN; a teacher's logits must be finite",
                assertThrows(InvalidInputException.class, () -> TopKLogits.compress(new float[] {0f, Float.NaN}, 1))
                        .getMessage());
        assertTrue(assertThrows(InvalidInputException.class,
                () -> TopKLogits.compress(new float[] {Float.NEGATIVE_INFINITY, 0f}, 5)).getMessage()
                .contains("class 0 is -Infinity"));
        assertTrue(assertThrows(InvalidInputException.class, () -> TopKLogits.compress(new float[0], 2)).getMessage()
                .contains("empty"));
    }

    @Test
    void storedRowsAreCheckedWhenReadBack() {
        assertTrue(assertThrows(InvalidInputException.class,
                () -> new TopKLogits(4, new int[] {0, 0}, new float[] {1f, 1f}, 0f)).getMessage().contains("twice"));
        assertTrue(assertThrows(InvalidInputException.class,
                () -> new TopKLogits(4, new int[] {7}, new float[] {1f}, 0f)).getMessage().contains("outside [0, 3]"));
        assertTrue(assertThrows(InvalidInputException.class,
                () -> new TopKLogits(4, new int[] {1}, new float[] {1f}, Float.NaN)).getMessage().contains("finite tail"));
        assertTrue(assertThrows(InvalidInputException.class,
                () -> new TopKLogits(4, null, new float[] {1f, 2f}, Float.NaN)).getMessage()
                .contains("2 values but there are 4 classes"));
        assertTrue(assertThrows(InvalidInputException.class,
                () -> new TopKLogits(4, new int[] {0, 1, 2, 3}, new float[4], 0f)).getMessage()
                .contains("between 1 and 3"));
        assertTrue(assertThrows(InvalidInputException.class,
                () -> new TopKLogits(4, new int[] {0, 1}, new float[1], 0f)).getMessage()
                .contains("2 indices but 1 values"));
        assertTrue(assertThrows(InvalidInputException.class,
                () -> new TopKLogits(4, null, new float[4], 1f)).getMessage().contains("no tail"));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        float[] values = {3f, 2f};
        int[] indices = {0, 2};
        TopKLogits kept = new TopKLogits(4, indices, values, -1f);
        values[0] = 99f;
        indices[0] = 3;
        kept.values()[1] = 42f;
        assertArrayEquals(new float[] {3f, 2f}, kept.values());
        assertArrayEquals(new int[] {0, 2}, kept.indices());
        assertEquals(new TopKLogits(4, new int[] {0, 2}, new float[] {3f, 2f}, -1f), kept);
    }
}
