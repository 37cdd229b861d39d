package org.sparkdistill.bench.teachers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherFormatBenchSettingsTest {
    static final Path TEACHERS = Path.of("../fixtures/teachers").toAbsolutePath().normalize();

    @TempDir
    Path dir;
    Path data;

    /** A directory that passes for Fashion-MNIST: the files are looked for, not read, when the settings are made. */
    @BeforeEach
    void fakeData() throws IOException {
        data = Files.createDirectory(dir.resolve("fashion-mnist"));
        Files.createFile(data.resolve("train-images-idx3-ubyte.gz"));
        Files.createFile(data.resolve("train-labels-idx1-ubyte.gz"));
    }

    String[] with(String... more) {
        String[] base = {"--data", data.toString(), "--keras", TEACHERS.resolve("fashion-mnist-cnn.h5").toString(),
            "--onnx", TEACHERS.resolve("fashion-mnist-cnn.onnx").toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void defaultsAreTheMeasuredRun() {
        TeacherFormatBenchSettings s = TeacherFormatBenchSettings.parse(with());
        assertEquals(10_000, s.limit());
        assertEquals(2, s.rounds());
        assertEquals(1, s.epochs());
        assertEquals(1, s.workers());
        assertEquals(64, s.batchSize());
        assertEquals(Path.of("runs/teacher-formats"), s.output());
    }

    @Test
    void readsEveryOptionAndTakesAnEmptyOutputDirectory() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        TeacherFormatBenchSettings s = TeacherFormatBenchSettings.parse(with("--limit", "500", "--rounds", "3",
                "--epochs", "2", "--workers", "2", "--batch-size", "32", "--output", empty.toString()));
        assertEquals(500, s.limit());
        assertEquals(3, s.rounds());
        assertEquals(2, s.epochs());
        assertEquals(2, s.workers());
        assertEquals(32, s.batchSize());
        assertEquals(empty, s.output());
        assertEquals(data, s.data());
    }

    @Test
    void listsEveryBadValueMissingFileAndOccupiedOutputAtOnce() throws IOException {
        Path occupied = Files.createDirectory(dir.resolve("occupied"));
        Files.writeString(occupied.resolve("earlier.md"), "kept");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> TeacherFormatBenchSettings.parse(new String[] {"--data", dir.resolve("none").toString(),
                    "--keras", dir.resolve("no.h5").toString(), "--onnx", dir.resolve("no.onnx").toString(),
                    "--limit", "60001", "--rounds", "0", "--epochs", "0", "--workers", "3", "--batch-size", "0",
                    "--output", occupied.toString()}));
        for (String expected : new String[] {"--limit 60001", "--rounds 0", "--epochs 0", "--workers 3",
            "--batch-size 0", "--data " + dir.resolve("none"), "--keras " + dir.resolve("no.h5"),
            "--onnx " + dir.resolve("no.onnx"), "--output " + occupied + ": exists and is not empty"}) {
            assertTrue(bad.getMessage().contains(expected), expected + " in: " + bad.getMessage());
        }
        assertEquals("kept", Files.readString(occupied.resolve("earlier.md")));
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TeacherFormatBenchSettings.parse(
                with("--output", file.toString()))).getMessage().contains("is not a directory"));
        assertEquals("--rounds: missing value", assertThrows(IllegalArgumentException.class,
                () -> TeacherFormatBenchSettings.parse(new String[] {"--rounds"})).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TeacherFormatBenchSettings.parse(with("--limit", "ten"))).getMessage().contains("not a whole"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TeacherFormatBenchSettings.parse(with("--speed", "1"))).getMessage().contains("unknown option"));
    }
}
