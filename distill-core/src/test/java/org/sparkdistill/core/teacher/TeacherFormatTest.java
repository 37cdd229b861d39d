package org.sparkdistill.core.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;

class TeacherFormatTest {
    static final Path FIXTURES = Path.of("../fixtures/teachers");

    @TempDir
    Path dir;

    @Test
    void eachFormatIsToldByItsFirstBytes() {
        assertEquals(TeacherFormat.ONNX, TeacherFormat.detect(FIXTURES.resolve("mlp.onnx"), "mlp.onnx"));
        assertEquals(TeacherFormat.KERAS, TeacherFormat.detect(FIXTURES.resolve("sequential.h5"), "sequential.h5"));
    }

    @Test
    void aZipIsADl4jModel() throws IOException {
        Path zip = Files.write(dir.resolve("m.bin"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
        assertEquals(TeacherFormat.DL4J, TeacherFormat.detect(zip, "m.bin"));
    }

    @Test
    void aFileOfNoKnownFormatIsRefusedNamingItAndItsFirstBytes() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello, world");
        assertEquals("teacher model file notes.txt is not a DL4J model zip, an ONNX model or a Keras HDF5 file (its"
                + " first bytes are 68656c6c6f2c2077)", assertThrows(InvalidInputException.class,
                        () -> TeacherFormat.detect(text, "notes.txt")).getMessage());
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertEquals("teacher model file empty is not a DL4J model zip, an ONNX model or a Keras HDF5 file (its first"
                + " bytes are none: the file is empty)", assertThrows(InvalidInputException.class,
                        () -> TeacherFormat.detect(empty, "empty")).getMessage());
        assertEquals("teacher model file missing does not exist", assertThrows(InvalidInputException.class,
                () -> TeacherFormat.detect(dir.resolve("missing"), "missing")).getMessage());
    }

    @Test
    void aFileThatIsNotTheFormatNamedIsRefusedNamingBoth() {
        assertEquals("teacher model file hdfs:///m/sequential.h5 is not an ONNX model as its format onnx says: it is"
                + " a Keras HDF5 file", assertThrows(InvalidInputException.class,
                        () -> TeacherFormat.ONNX.require(FIXTURES.resolve("sequential.h5"), "hdfs:///m/sequential.h5"))
                .getMessage());
        TeacherFormat.KERAS.require(FIXTURES.resolve("sequential.h5"), "sequential.h5");
    }

    @Test
    void formatsAreNamedInAnyCase() {
        assertEquals(TeacherFormat.KERAS, TeacherFormat.of("Keras"));
        assertEquals("teacher format 'tflite' is unknown; known formats: dl4j, onnx, keras",
                assertThrows(InvalidInputException.class, () -> TeacherFormat.of("tflite")).getMessage());
    }
}
