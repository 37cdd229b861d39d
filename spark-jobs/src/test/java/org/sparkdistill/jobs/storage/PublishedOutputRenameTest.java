package org.sparkdistill.jobs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link PublishedOutput} does when a rename fails; the rest of its contract is tested on every file system. */
class PublishedOutputRenameTest {
    @TempDir
    Path dir;

    private static List<String> listing(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedFinalRenameMovesTheEarlierOutputBackWithItsMarker() throws IOException {
        StoragePath out = StoragePath.local(dir.resolve("out"));
        PublishedOutput.publish(out, "distill", false, d -> d.child("good.txt").writeText("kept"));
        PublishedOutput.Renamer failsIntoPlace = (from, to) -> {
            if (from.name().contains(".writing-")) {
                throw new IOException("rename refused");
            }
            from.renameTo(to);
        };
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> PublishedOutput.publish(out,
                "distill", true, d -> d.child("new.txt").writeText("new"), failsIntoPlace));
        assertEquals("rename refused", e.getCause().getMessage());
        assertEquals(List.of(OutputMarker.FILE_NAME, "good.txt"), listing(dir.resolve("out")));
        assertEquals(Optional.of("distill"), OutputMarker.command(out));
        assertEquals(List.of("out"), listing(dir), "neither staging nor the moved-aside output is left");
    }

    @Test
    void aFailedRenameAsideLeavesTheEarlierOutputMarked() throws IOException {
        StoragePath out = StoragePath.local(dir.resolve("out"));
        PublishedOutput.publish(out, "distill", false, d -> d.child("good.txt").writeText("kept"));
        PublishedOutput.Renamer failsAside = (from, to) -> {
            if (to.name().contains(".replaced-")) {
                throw new IOException("rename refused");
            }
            from.renameTo(to);
        };
        assertThrows(UncheckedIOException.class, () -> PublishedOutput.publish(out, "distill", true,
                d -> d.child("new.txt").writeText("new"), failsAside));
        assertEquals(List.of(OutputMarker.FILE_NAME, "good.txt"), listing(dir.resolve("out")));
        assertEquals(List.of("out"), listing(dir));
    }
}
