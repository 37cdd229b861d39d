package org.sparkdistill.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;

class AtomicDirectoryTest {
    @TempDir
    Path dir;

    List<String> listing() throws IOException {
        return listing(dir);
    }

    static List<String> listing(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void publishesWhatTheWriterWroteWithTheMarkerNamingTheCommand() throws IOException {
        Path out = dir.resolve("out");
        AtomicDirectory.publishOutput(out, "distill", false, d -> Files.writeString(d.resolve("a.txt"), "first"));
        assertEquals(List.of(OutputMarker.FILE_NAME, "a.txt"), listing(out));
        assertEquals(Optional.of("distill"), OutputMarker.command(out));
        AtomicDirectory.publishOutput(out, "distill", true, d -> Files.writeString(d.resolve("b.txt"), "second"));
        assertEquals(List.of(OutputMarker.FILE_NAME, "b.txt"), listing(out), "replaced whole");
        assertEquals(List.of("out"), listing(), "nothing staged is left beside it");
    }

    @Test
    void theMarkerIsWrittenAfterTheData() {
        Path out = dir.resolve("out");
        AtomicDirectory.publishOutput(out, "prepare", false, d -> {
            assertFalse(Files.exists(d.resolve(OutputMarker.FILE_NAME)), "no marker while the data is written");
            Files.writeString(d.resolve("a.txt"), "data");
        });
        assertEquals(Optional.of("prepare"), OutputMarker.command(out));
    }

    @Test
    void withoutOverwriteAnExistingOutputIsRefusedBeforeTheWriterRuns() throws IOException {
        Path out = dir.resolve("out");
        AtomicDirectory.publishOutput(out, "distill", false, d -> Files.writeString(d.resolve("a.txt"), "kept"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> AtomicDirectory.publishOutput(out,
                "distill", false, d -> {
                    throw new AssertionError("the writer must not run");
                }));
        assertEquals("output " + out + " already exists; give --overwrite (overwrite: true) to replace an earlier"
                + " output of 'distill', or choose another output", e.getMessage());
        assertEquals("kept", Files.readString(out.resolve("a.txt")));
        assertEquals(List.of("out"), listing());
    }

    @Test
    void withOverwriteOnlyAnEmptyDirectoryOrTheSameCommandsOutputIsReplaced() throws IOException {
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        InvalidInputException notOurs = assertThrows(InvalidInputException.class,
                () -> AtomicDirectory.publishOutput(foreign, "distill", true, d -> Files.writeString(d.resolve("x"), "")));
        assertTrue(notOurs.getMessage().startsWith("output " + foreign + " cannot be replaced: it was not written by"
                + " spark-distill (it has no _SPARK_DISTILL_OUTPUT file)"), notOurs.getMessage());
        assertEquals(List.of("notes.txt"), listing(foreign));

        Path prepared = dir.resolve("prepared");
        AtomicDirectory.publishOutput(prepared, "prepare", false, d -> Files.writeString(d.resolve("t"), "table"));
        InvalidInputException otherCommand = assertThrows(InvalidInputException.class,
                () -> AtomicDirectory.publishOutput(prepared, "distill", true, d -> Files.writeString(d.resolve("x"), "")));
        assertTrue(otherCommand.getMessage().contains("it was written by 'prepare', not by 'distill'"),
                otherCommand.getMessage());
        assertEquals("table", Files.readString(prepared.resolve("t")));

        Path file = Files.writeString(dir.resolve("file"), "a file");
        InvalidInputException aFile = assertThrows(InvalidInputException.class,
                () -> AtomicDirectory.publishOutput(file, "distill", true, d -> Files.writeString(d.resolve("x"), "")));
        assertTrue(aFile.getMessage().startsWith("output " + file + " is an existing file, not a directory"),
                aFile.getMessage());
        assertEquals("a file", Files.readString(file));

        Path empty = Files.createDirectories(dir.resolve("empty"));
        AtomicDirectory.publishOutput(empty, "distill", true, d -> Files.writeString(d.resolve("x"), "new"));
        assertEquals("new", Files.readString(empty.resolve("x")));
        assertEquals(List.of("empty", "file", "foreign", "prepared"), listing(), "nothing staged is left");
    }

    @Test
    void anOutputThatAppearsWhileTheWriterRunsIsNotReplaced() throws IOException {
        Path out = dir.resolve("out");
        assertThrows(InvalidInputException.class, () -> AtomicDirectory.publishOutput(out, "distill", true, d -> {
            Files.createDirectories(out);
            Files.writeString(out.resolve("someone-else.txt"), "theirs");
            Files.writeString(d.resolve("a.txt"), "ours");
        }));
        assertEquals("theirs", Files.readString(out.resolve("someone-else.txt")));
        assertEquals(List.of("out"), listing());
    }

    @Test
    void publishRefusesAnExistingDirectoryAndReplaceReplacesIt() throws IOException {
        Path folder = dir.resolve("step-1");
        AtomicDirectory.publish(folder, d -> Files.writeString(d.resolve("a.txt"), "first"));
        assertEquals(List.of("a.txt"), listing(folder), "no marker outside outputs");
        assertThrows(InvalidInputException.class,
                () -> AtomicDirectory.publish(folder, d -> Files.writeString(d.resolve("b.txt"), "second")));
        assertEquals(List.of("a.txt"), listing(folder));
        AtomicDirectory.replace(folder, d -> Files.writeString(d.resolve("b.txt"), "second"));
        assertEquals(List.of("b.txt"), listing(folder));
        assertEquals(List.of("step-1"), listing());
    }

    @Test
    void aFailedFinalRenameMovesThePreviousOutputBack() throws IOException {
        Path out = dir.resolve("out");
        AtomicDirectory.publishOutput(out, "distill", false, d -> Files.writeString(d.resolve("good.txt"), "kept"));
        AtomicDirectory.Mover failsIntoPlace = (from, to) -> {
            if (from.getFileName().toString().contains(".writing-")) {
                throw new IOException("rename refused");
            }
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        };
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicDirectory.publishOutput(out,
                "distill", true, d -> Files.writeString(d.resolve("new.txt"), "new"), failsIntoPlace));
        assertEquals("rename refused", e.getCause().getMessage());
        assertEquals(List.of(OutputMarker.FILE_NAME, "good.txt"), listing(out));
        assertEquals("kept", Files.readString(out.resolve("good.txt")));
        assertEquals(List.of("out"), listing(), "neither staging nor the moved-aside output is left");
    }

    @Test
    void aFailingWriterLeavesThePreviousOutputAndNoStaging() throws IOException {
        Path out = dir.resolve("out");
        AtomicDirectory.publishOutput(out, "distill", false, d -> Files.writeString(d.resolve("good.txt"), "kept"));
        assertThrows(IllegalStateException.class, () -> AtomicDirectory.publishOutput(out, "distill", true, d -> {
            Files.writeString(d.resolve("half.txt"), "partial");
            throw new IllegalStateException("writer failed");
        }));
        assertEquals("kept", Files.readString(out.resolve("good.txt")));
        assertEquals(List.of("out"), listing());

        Path fresh = dir.resolve("fresh");
        assertThrows(IllegalStateException.class, () -> AtomicDirectory.publish(fresh, d -> {
            throw new IllegalStateException("nothing written");
        }));
        assertEquals(List.of("out"), listing(), "a failed first write leaves nothing");
    }

    @Test
    void aCheckedExceptionThrownUndeclaredAlsoLeavesNoStaging() throws IOException {
        // Scala code, Spark's included, throws checked exceptions that no Java signature declares.
        Path out = dir.resolve("out");
        Exception thrown = assertThrows(Exception.class, () -> AtomicDirectory.publish(out, d -> {
            Files.writeString(d.resolve("half.txt"), "partial");
            throw AtomicDirectoryTest.<RuntimeException>undeclared(new Exception("job aborted"));
        }));
        assertEquals("job aborted", thrown.getMessage());
        assertEquals(List.of(), listing());
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E undeclared(Exception e) throws E {
        throw (E) e;
    }
}
