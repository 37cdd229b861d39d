package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;

class FashionMnistTest {
    @TempDir
    Path dir;

    static void refused(Executable action, String... fragments) {
        InvalidInputException e = assertThrows(InvalidInputException.class, action);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        }
    }

    @Test
    void readsASmallDirectoryScalingPixelsToUnitRange() throws IOException {
        IdxFiles.fashionDirectory(dir, "train", 5, 5);
        assertTrue(FashionMnist.isIdxDirectory(dir));
        Examples train = FashionMnist.train(dir);
        assertEquals("fashion-mnist train", train.name());
        assertEquals(5, train.size());
        assertEquals(10, train.numClasses());
        assertArrayEquals(new int[] {1, 28, 28}, train.shape());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, train.labels());
        assertEquals(20 / 255f, train.row(2)[0], 1e-7);
        assertEquals(40 / 255f, train.row(4)[783], 1e-7);
    }

    @Test
    void fallsBackToUncompressedFilesAndPrefersCompressedOnes() throws IOException {
        IdxFiles.fashionDirectory(dir, "t10k", 3, 3, false);
        assertEquals(3, FashionMnist.test(dir).size());
        IdxFiles.fashionDirectory(dir, "t10k", 2, 2, true);
        Examples test = FashionMnist.test(dir);
        assertEquals("fashion-mnist test", test.name());
        assertEquals(2, test.size());
    }

    @Test
    void countMismatchNamesBothFilesAndCounts() throws IOException {
        IdxFiles.fashionDirectory(dir, "t10k", 4, 3);
        refused(() -> FashionMnist.test(dir), "t10k-images-idx3-ubyte.gz has 4 images",
                "t10k-labels-idx1-ubyte.gz has 3 labels");
    }

    @Test
    void refusesImagesThatAreNotThreeDimensional() throws IOException {
        IdxFiles.fashionDirectory(dir, "train", 2, 2);
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        IdxFiles.write(images, IdxFiles.idx(0x08, new int[] {2, 784}, new byte[2 * 784]), true);
        refused(() -> FashionMnist.train(dir), images.toString(), "[2, 784]", "[count, height, width]");
    }

    @Test
    void refusesALabelAboveNineNamingTheLabelFile() throws IOException {
        IdxFiles.fashionDirectory(dir, "train", 2, 2);
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        IdxFiles.write(labels, IdxFiles.idx(0x08, new int[] {2}, new byte[] {3, 12}), true);
        refused(() -> FashionMnist.train(dir), labels.toString(), "label 12 at index 1", "[0, 9]");
    }

    @Test
    void missingDirectorySaysHowToInstallTheData() {
        Path missing = dir.resolve("nowhere");
        assertFalse(FashionMnist.isIdxDirectory(missing));
        refused(() -> FashionMnist.train(missing), missing.toString(), "apt-get install dataset-fashion-mnist",
                "/usr/share/datasets/fashion-mnist");
    }

    @Test
    void missingFileIsNamed() throws IOException {
        IdxFiles.fashionDirectory(dir, "train", 2, 2);
        refused(() -> FashionMnist.test(dir), dir.toString(), "t10k-images-idx3-ubyte.gz");
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        assertFalse(FashionMnist.isIdxDirectory(dir));
        refused(() -> FashionMnist.train(dir), "train-labels-idx1-ubyte.gz");
    }

    @Test
    void classNamesAreTheTenFashionMnistClasses() {
        assertEquals(10, FashionMnist.CLASS_NAMES.size());
        assertEquals("T-shirt/top", FashionMnist.CLASS_NAMES.get(0));
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
        assertThrows(UnsupportedOperationException.class, () -> FashionMnist.CLASS_NAMES.set(0, "x"));
    }

    /** Needs the real dataset; it fails rather than skips when the dataset is not installed. */
    @Test
    void readsTheInstalledDataset() {
        assertTrue(FashionMnist.isIdxDirectory(FashionMnist.DEFAULT_DIR));
        Examples train = FashionMnist.train(FashionMnist.DEFAULT_DIR);
        Examples test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, train.shape());
        assertArrayEquals(new int[] {1, 28, 28}, test.shape());
        // Both splits are balanced, so every label 0..9 is present.
        assertArrayEquals(filled(6000), classCounts(train.labels()));
        assertArrayEquals(filled(1000), classCounts(test.labels()));
        float max = 0;
        for (float pixel : test.features()) {
            assertTrue(pixel >= 0 && pixel <= 1, "pixel " + pixel);
            max = Math.max(max, pixel);
        }
        assertEquals(1f, max);
    }

    private static int[] classCounts(int[] labels) {
        int[] counts = new int[FashionMnist.NUM_CLASSES];
        Arrays.stream(labels).forEach(label -> counts[label]++);
        return counts;
    }

    private static int[] filled(int value) {
        int[] counts = new int[FashionMnist.NUM_CLASSES];
        Arrays.fill(counts, value);
        return counts;
    }
}
