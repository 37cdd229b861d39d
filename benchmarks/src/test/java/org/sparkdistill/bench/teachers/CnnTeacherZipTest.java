package org.sparkdistill.bench.teachers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.io.ModelZip;

/** The DL4J copy of the Fashion-MNIST CNN fixture computes what the ONNX file computes. */
class CnnTeacherZipTest {
    static final Path TEACHERS = Path.of("../fixtures/teachers").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void theCopyMatchesTheOnnxTeacherAndIsAModelZip() throws IOException {
        assumeTrue(FashionMnist.isIdxDirectory(FashionMnist.DEFAULT_DIR), "needs Fashion-MNIST in "
                + FashionMnist.DEFAULT_DIR);
        Path zip = dir.resolve("cnn.zip");
        CnnTeacherZip.Written written = CnnTeacherZip.write(TEACHERS.resolve("fashion-mnist-cnn.h5"),
                TEACHERS.resolve("fashion-mnist-cnn.onnx"), FashionMnist.test(FashionMnist.DEFAULT_DIR), zip);
        assertEquals(CnnTeacherZip.CHECK_ROWS, written.rowsChecked());
        assertTrue(written.maxProbabilityDifference() <= CnnTeacherZip.TOLERANCE, "" + written);
        assertEquals(CnnTeacherZip.CHECK_ROWS, written.sameClass());
        assertTrue(ModelZip.read(zip, "teacher").multiLayerNetwork(false).numParams() == 80_202);
    }
}
