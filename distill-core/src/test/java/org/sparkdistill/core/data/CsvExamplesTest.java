package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;

class CsvExamplesTest {
    @TempDir
    Path dir;

    Path csv(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    InvalidInputException refused(Path file, int numClasses, int[] shape, String... fragments) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CsvExamples.read(file, numClasses, shape));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void readsAFileWithAHeaderTakingValuesAsTheyAre() throws IOException {
        Examples a = CsvExamples.read(csv("h.csv", "label,pixel1,pixel2\n1,0.5,255\n0,3,4\n"), 2, null);
        assertEquals("h.csv", a.name());
        assertArrayEquals(new int[] {1, 0}, a.labels());
        assertArrayEquals(new int[] {2}, a.shape());
        assertArrayEquals(new float[] {0.5f, 255f}, a.row(0));
        assertArrayEquals(new float[] {3f, 4f}, a.row(1));
    }

    @Test
    void readsAFileWithoutAHeader() throws IOException {
        Examples plain = CsvExamples.read(csv("p.csv", "1,0.5,255\r\n0,3,4\r\n"), 2, null);
        assertEquals(new Examples("p.csv", new float[] {0.5f, 255f, 3f, 4f}, new int[] {1, 0}, new int[] {2}, 2), plain);
    }

    @Test
    void skipsABlankLineAndAByteOrderMarkBeforeTheHeader() throws IOException {
        Examples a = CsvExamples.read(csv("bom.csv", "\uFEFF\n\nlabel,a,b\n\n1,2,3\n"), 2, null);
        assertEquals(1, a.size());
        assertArrayEquals(new float[] {2f, 3f}, a.row(0));
    }

    @Test
    void appliesTheGivenShape() throws IOException {
        Examples a = CsvExamples.read(csv("img.csv", "2,1,2,3,4,5,6\n"), 3, new int[] {1, 2, 3});
        assertArrayEquals(new int[] {1, 2, 3}, a.shape());
        assertEquals(6, a.featureCount());
    }

    @Test
    void refusesAShapeThatDoesNotMatchTheRows() throws IOException {
        refused(csv("shape.csv", "1,2,3,4\n"), 2, new int[] {1, 2, 2}, "3 features", "[1, 2, 2]", "holds 4");
    }

    @Test
    void refusesARaggedRowNamingLineAndFieldCounts() throws IOException {
        refused(csv("ragged.csv", "label,a,b\n1,2,3\n0,1\n"), 2, null, "ragged.csv line 3 has 2 fields; expected 3");
    }

    @Test
    void refusesABadFloatNamingLineColumnAndText() throws IOException {
        refused(csv("float.csv", "1,2,x3\n"), 2, null, "line 1 column 3: \"x3\" is not a number");
    }

    @Test
    void refusesNaNAndInfiniteFeaturesNamingLineAndColumn() throws IOException {
        refused(csv("nan.csv", "1,2,3\n0,NaN,3\n"), 2, null, "nan.csv line 2 column 2: \"NaN\" is not a finite number"
                + " (as a float it is NaN); every feature must be finite");
        refused(csv("inf.csv", "1,2,Infinity\n"), 2, null, "line 1 column 3: \"Infinity\" is not a finite number");
        refused(csv("minus.csv", "1,2,3\n1,2,3\n0,4,-Infinity\n"), 2, null,
                "line 3 column 3: \"-Infinity\" is not a finite number (as a float it is -Infinity)");
        refused(csv("overflow.csv", "1,1e39,3\n"), 2, null,
                "line 1 column 2: \"1e39\" is not a finite number (as a float it is Infinity)");
    }

    @Test
    void refusesEmptyFeaturesAndLabelsNamingLineAndColumn() throws IOException {
        refused(csv("feature.csv", "1,2,3\n0,,3\n"), 2, null,
                "feature.csv line 2 column 2: the feature is empty; every feature must be a finite number");
        refused(csv("last.csv", "1,2, \n"), 2, null, "line 1 column 3: the feature is empty");
        refused(csv("label.csv", "1,2,3\n,2,3\n"), 2, null,
                "label.csv line 2 column 1: the label is empty; every row needs a label in [0, 1]");
    }

    @Test
    void quotesAtMostTwoHundredCharactersOfABadField() throws IOException {
        String field = "x".repeat(5000);
        InvalidInputException e = refused(csv("long.csv", "1,2," + field + "\n"), 2, null,
                "line 1 column 3: \"" + "x".repeat(200) + "…\" (5000 characters) is not a number");
        assertTrue(e.getMessage().length() < 400, e.getMessage());
    }

    @Test
    void refusesALabelOutOfRange() throws IOException {
        refused(csv("label.csv", "1,2,3\n5,2,3\n"), 2, null, "line 2: label 5 is outside [0, 1]");
        refused(csv("negative.csv", "-1,2,3\n"), 2, null, "line 1: label -1 is outside [0, 1]");
    }

    @Test
    void refusesALabelThatIsNotAnInteger() throws IOException {
        refused(csv("text.csv", "1,2,3\n1.5,2,3\n"), 2, null, "line 2: label \"1.5\" is not an integer");
    }

    @Test
    void refusesFilesWithoutDataRows() throws IOException {
        refused(csv("header.csv", "label,pixel1\n"), 2, null, "header.csv has no data rows");
        refused(csv("empty.csv", ""), 2, null, "empty.csv has no data rows");
    }

    @Test
    void refusesAMissingFileAndTooFewClasses() throws IOException {
        refused(dir.resolve("absent.csv"), 2, null, "does not exist");
        refused(csv("one.csv", "0,1\n"), 1, null, "numClasses = 1");
    }
}
