package org.sparkdistill.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {
    @TempDir
    Path dir;

    List<String> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void publishesWhatTheWriterWrote() throws IOException {
        Path out = dir.resolve("out");
        AtomicDirectory.publish(out, d -> Files.writeString(d.resolve("a.txt"), "first"));
        AtomicDirectory.publish(out, d -> Files.writeString(d.resolve("b.txt"), "second"));
        assertEquals(List.of("b.txt"), Files.list(out).map(p -> p.getFileName().toString()).toList(), "replaced whole");
        assertEquals(List.of("out"), listing(), "nothing staged is left beside it");
    }

    @Test
    void aFailingWriterLeavesThePreviousOutputAndNoStaging() throws IOException {
        Path out = dir.resolve("out");
        AtomicDirectory.publish(out, d -> Files.writeString(d.resolve("good.txt"), "kept"));
        assertThrows(IllegalStateException.class, () -> AtomicDirectory.publish(out, d -> {
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
