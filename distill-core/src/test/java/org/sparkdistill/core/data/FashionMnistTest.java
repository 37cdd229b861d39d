package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void readsASmallDirectoryScalingPixelsToUnitRange() throws IOException {
        IdxFiles.fashionDirectory(dir, "train", 5, 5);
        assertTrue(FashionMnist.isIdxDirectory(dir));
        Examples train = FashionMnist.train(dir);
        assertEquals(5, train.size());
        assertArrayEquals(new int[] {1, 28, 28}, train.shape());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, train.labels());
        assertEquals(20 / 255f, train.row(2)[0], 1e-7);
    }

    @Test
    void countMismatchNamesBothFilesAndCounts() throws IOException {
        IdxFiles.fashionDirectory(dir, "t10k", 4, 3);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FashionMnist.test(dir));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz has 4 images")
                && e.getMessage().contains("t10k-labels-idx1-ubyte.gz has 3 labels"), e.getMessage());
    }

    @Test
    void missingDirectorySaysHowToInstallTheData() {
        Path missing = dir.resolve("nowhere");
        assertFalse(FashionMnist.isIdxDirectory(missing));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FashionMnist.train(missing));
        assertTrue(e.getMessage().contains(missing.toString())
                && e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        IdxFiles.fashionDirectory(dir, "train", 2, 2);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> FashionMnist.test(dir));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz"), e.getMessage());
    }

    @Test
    void readsTheInstalledDataset() {
        Examples train = FashionMnist.train(FashionMnist.DEFAULT_DIR);
        Examples test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, test.shape());
        int[] counts = new int[10];
        Arrays.stream(test.labels()).forEach(label -> counts[label]++);
        assertTrue(Arrays.stream(counts).allMatch(c -> c == 1000), Arrays.toString(counts));
    }
}
