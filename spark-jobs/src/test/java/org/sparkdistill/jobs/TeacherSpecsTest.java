package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.Sha256;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.core.train.Networks;

class TeacherSpecsTest {
    @TempDir
    Path dir;

    private Path teacher(String name, long seed) throws IOException {
        MultiLayerNetwork network = Networks.mlp(4, List.of(3), 2, new Sgd(0.1), seed);
        Path file = dir.resolve(name);
        ModelSerializer.writeModel(network, file.toFile(), false);
        return file;
    }

    private static TeacherSpecs check(Path... files) {
        return TeacherSpecs.check(java.util.Arrays.stream(files).map(Path::toString).toList(), new Configuration());
    }

    @Test
    void theDriverRecordsEachFilesHashAndTasksLoadTheTeachersFromTheFiles() throws IOException {
        Path a = teacher("a.zip", 1);
        Path b = teacher("b.zip", 2);
        TeacherSpecs specs = check(a, b);
        assertEquals(List.of(Sha256.hex(Files.readAllBytes(a)), Sha256.hex(Files.readAllBytes(b))), specs.sha256s());
        assertEquals(List.of("a.zip", "b.zip"), specs.names());
        try (TeacherEnsemble ensemble = specs.load(new int[] {4})) {
            assertEquals(2, ensemble.teachers().size());
            assertEquals(2, ensemble.teachers().get(0).logits(Nd4j.ones(1, 4)).size(1));
        }
    }

    @Test
    void aTeacherFileReplacedAfterTheDriverCheckedItIsRefusedNamingBothHashes() throws IOException {
        Path a = teacher("a.zip", 1);
        TeacherSpecs specs = check(a);
        String before = specs.sha256s().get(0);
        Files.copy(teacher("other.zip", 9), a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> specs.load(new int[] {4}));
        assertTrue(e.getMessage().startsWith("teacher model file " + a + " changed while the job ran: its SHA-256 is"
                + " now " + Sha256.hex(Files.readAllBytes(a)) + ", but was " + before), e.getMessage());
    }

    @Test
    void aMissingFileADirectoryAndAFileThatIsNoModelZipAreRefusedNamingThem() throws IOException {
        Path missing = dir.resolve("missing.zip");
        assertEquals("teacher model file " + missing + " does not exist",
                assertThrows(InvalidInputException.class, () -> check(missing)).getMessage());
        assertEquals("teacher model file " + dir + " is a directory",
                assertThrows(InvalidInputException.class, () -> check(dir)).getMessage());
        Path text = Files.writeString(dir.resolve("notes.zip"), "not a zip");
        assertEquals("teacher model file " + text + " is not a DL4J model zip, an ONNX model or a Keras HDF5 file (its"
                + " first bytes are 6e6f742061207a69)", assertThrows(InvalidInputException.class, () -> check(text))
                .getMessage());
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith("-notes.zip")),
                    "no local copy is left behind");
        }
    }
}
