package org.sparkdistill.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
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
    void aFailedFinalRenameMovesThePreviousDirectoryBack() throws IOException {
        Path out = dir.resolve("out");
        AtomicDirectory.publish(out, d -> Files.writeString(d.resolve("good.txt"), "kept"));
        AtomicDirectory.Mover failsIntoPlace = (from, to) -> {
            if (from.getFileName().toString().contains(".writing-")) {
                throw new IOException("rename refused");
            }
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        };
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicDirectory.replace(out,
                d -> Files.writeString(d.resolve("new.txt"), "new"), failsIntoPlace));
        assertEquals("rename refused", e.getCause().getMessage());
        assertEquals(List.of("good.txt"), listing(out));
        assertEquals("kept", Files.readString(out.resolve("good.txt")));
        assertEquals(List.of("out"), listing(), "neither staging nor the moved-aside output is left");
    }

    @Test
    void aFailingWriterLeavesThePreviousDirectoryAndNoStaging() throws IOException {
        Path out = dir.resolve("out");
        AtomicDirectory.publish(out, d -> Files.writeString(d.resolve("good.txt"), "kept"));
        assertThrows(IllegalStateException.class, () -> AtomicDirectory.replace(out, d -> {
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
