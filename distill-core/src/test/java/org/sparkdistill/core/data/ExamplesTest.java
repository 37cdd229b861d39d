package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.sparkdistill.core.InvalidInputException;

class ExamplesTest {
    static final Examples THREE = new Examples("three", new float[] {0, 1, 2, 3, 4, 5}, new int[] {0, 1, 2},
            new int[] {2}, 3);

    static void refused(Executable action, String... fragments) {
        InvalidInputException e = assertThrows(InvalidInputException.class, action);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        }
    }

    @Test
    void headKeepsTheFirstRows() {
        Examples two = THREE.head(2);
        assertEquals(2, two.size());
        assertArrayEquals(new int[] {0, 1}, two.labels());
        assertArrayEquals(new float[] {0, 1, 2, 3}, two.features());
        assertEquals(0, THREE.head(0).size());
        assertSame(THREE, THREE.head(3));
    }

    @Test
    void headRefusesCountsOutsideTheSizeNamingBoth() {
        refused(() -> THREE.head(4), "three", "first 4 of 3 rows");
        refused(() -> THREE.head(-1), "first -1 of 3 rows");
    }

    @Test
    void selectCopiesRowsInTheGivenOrder() {
        Examples picked = THREE.select(new int[] {2, 0, 2});
        assertArrayEquals(new int[] {2, 0, 2}, picked.labels());
        assertArrayEquals(new float[] {4, 5, 0, 1, 4, 5}, picked.features());
        assertArrayEquals(new int[] {2}, picked.shape());
        refused(() -> THREE.select(new int[] {3}), "row 3 is outside [0, 2]");
    }

    @Test
    void rowCopiesOneRow() {
        float[] row = THREE.row(1);
        assertArrayEquals(new float[] {2, 3}, row);
        row[0] = 99;
        assertEquals(2f, THREE.features()[2]);
        refused(() -> THREE.row(3), "row 3 is outside [0, 2]");
    }

    @Test
    void featureCountIsTheProductOfTheShape() {
        Examples images = new Examples("img", new float[2 * 12], new int[] {0, 1}, new int[] {1, 3, 4}, 2);
        assertEquals(12, images.featureCount());
        assertEquals(2, images.size());
    }

    @Test
    void refusesABadLabelNamingDatasetRowValueAndRange() {
        refused(() -> new Examples("data", new float[] {0, 0, 0}, new int[] {0, 7, 9}, new int[] {1}, 3),
                "data", "row 1 is 7", "[0, 2]");
        refused(() -> new Examples("data", new float[] {0}, new int[] {-2}, new int[] {1}, 3), "row 0 is -2");
    }

    @Test
    void refusesFeaturesThatDoNotFillTheRows() {
        refused(() -> new Examples("data", new float[5], new int[] {0, 1}, new int[] {3}, 2),
                "5 feature values", "2 rows", "[3]", "(6 values)");
    }

    @Test
    void refusesBadNamesShapesAndClassCounts() {
        refused(() -> new Examples(" ", new float[0], new int[0], new int[] {1}, 2), "non-blank name");
        refused(() -> new Examples("d", new float[0], new int[0], new int[0], 2), "d: example shape []");
        refused(() -> new Examples("d", new float[0], new int[0], new int[] {3, 0}, 2), "[3, 0]");
        refused(() -> new Examples("d", new float[0], new int[0], new int[] {1}, 1), "numClasses = 1");
        refused(() -> new Examples("d", null, new int[0], new int[] {1}, 2), "features null");
    }

    @Test
    void equalityAndHashCompareContents() {
        Examples same = new Examples("three", new float[] {0, 1, 2, 3, 4, 5}, new int[] {0, 1, 2}, new int[] {2}, 3);
        assertEquals(THREE, same);
        assertEquals(THREE.hashCode(), same.hashCode());
        assertNotEquals(THREE, new Examples("three", new float[] {0, 1, 2, 3, 4, 6}, new int[] {0, 1, 2},
                new int[] {2}, 3));
    }

    @Test
    void toStringIsShort() {
        assertEquals("Examples(three, 3 rows of shape [2], 3 classes)", THREE.toString());
    }
}
