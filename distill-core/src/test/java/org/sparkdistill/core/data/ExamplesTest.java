package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;

class ExamplesTest {
    static final Examples THREE = new Examples("three", new float[] {0, 1, 2, 3, 4, 5}, new int[] {0, 1, 2},
            new int[] {2}, 3);

    @TempDir
    Path dir;

    @Test
    void headSelectAndRow() {
        assertEquals(2, THREE.head(2).size());
        assertSame(THREE, THREE.head(3));
        Examples picked = THREE.select(new int[] {2, 0});
        assertArrayEquals(new int[] {2, 0}, picked.labels());
        assertArrayEquals(new float[] {4, 5}, picked.row(0));
        assertThrows(InvalidInputException.class, () -> THREE.head(4));
        assertThrows(InvalidInputException.class, () -> THREE.select(new int[] {3}));
    }

    @Test
    void refusesABadLabelNamingTheRow() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new Examples("data", new float[] {0, 0}, new int[] {0, 7}, new int[] {1}, 3));
        assertTrue(e.getMessage().contains("row 1 is 7") && e.getMessage().contains("[0, 2]"), e.getMessage());
    }

    @Test
    void refusesFeaturesThatDoNotFillTheRows() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new Examples("data", new float[5], new int[] {0, 1}, new int[] {3}, 2));
        assertTrue(e.getMessage().contains("5 feature values") && e.getMessage().contains("(6 values)"), e.getMessage());
    }

    @Test
    void equalityComparesContents() {
        assertEquals(THREE, new Examples("three", new float[] {0, 1, 2, 3, 4, 5}, new int[] {0, 1, 2}, new int[] {2}, 3));
    }

    @Test
    void csvWithAndWithoutHeader() throws IOException {
        Path withHeader = dir.resolve("h.csv");
        Files.writeString(withHeader, "label,pixel1,pixel2\n1,0.5,2\n0,3,4\n");
        Examples a = CsvExamples.read(withHeader, 2, null);
        assertArrayEquals(new int[] {1, 0}, a.labels());
        assertArrayEquals(new int[] {2}, a.shape());
        assertArrayEquals(new float[] {0.5f, 2f}, a.row(0));
        Path plain = dir.resolve("p.csv");
        Files.writeString(plain, "1,0.5,2\n0,3,4\n");
        assertEquals(a.size(), CsvExamples.read(plain, 2, null).size());
    }

    @Test
    void csvErrorsNameFileLineAndColumn() throws IOException {
        Path ragged = dir.resolve("ragged.csv");
        Files.writeString(ragged, "1,2,3\n0,1\n");
        InvalidInputException r = assertThrows(InvalidInputException.class, () -> CsvExamples.read(ragged, 2, null));
        assertTrue(r.getMessage().contains("ragged.csv line 2 has 2 fields; expected 3"), r.getMessage());

        Path badFloat = dir.resolve("float.csv");
        Files.writeString(badFloat, "1,2,x3\n");
        InvalidInputException f = assertThrows(InvalidInputException.class, () -> CsvExamples.read(badFloat, 2, null));
        assertTrue(f.getMessage().contains("line 1 column 3: 'x3' is not a number"), f.getMessage());

        Path badLabel = dir.resolve("label.csv");
        Files.writeString(badLabel, "1,2,3\n5,2,3\n");
        InvalidInputException l = assertThrows(InvalidInputException.class, () -> CsvExamples.read(badLabel, 2, null));
        assertTrue(l.getMessage().contains("line 2: label 5 is outside [0, 1]"), l.getMessage());

        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "label,pixel1\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CsvExamples.read(empty, 2, null));
        assertTrue(e.getMessage().contains("empty.csv has no data rows"), e.getMessage());
    }
}
