package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.RunKey;

/** A run's own checkpoint folder in a shared checkpoint directory, through Hadoop's API on {@code file://} URIs. */
class RunCheckpointsTest {
    static final RunKey NARROW = RunKey.builder().add("student.hidden", "[32]").add("training.seed", 5).build();
    static final RunKey WIDE = RunKey.builder().add("student.hidden", "[64]").add("training.seed", 5).build();

    @TempDir
    Path dir;

    RunCheckpoints open(Path root, RunKey key, List<String> notices) {
        return RunCheckpoints.open(root.toUri().toString(), key, new Configuration(), notices::add);
    }

    static void checkpoint(RunCheckpoints run, String step) {
        run.store().publish(step, sink -> sink.create("model.zip").close());
    }

    /** The entries of {@code dir}, without the hidden checksum files Hadoop's local file system writes. */
    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
        }
    }

    @Test
    void aFinishedRunDeletesOnlyItsOwnFolderAndKeepsForeignFilesAndOtherRuns() throws IOException {
        Path root = Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(root.resolve("notes.txt"), "someone else's");
        RunCheckpoints other = open(root, NARROW, new ArrayList<>());
        checkpoint(other, "step-000000000005");

        RunCheckpoints run = open(root, WIDE, new ArrayList<>());
        checkpoint(run, "step-000000000005");
        assertEquals(List.of(NARROW.id(), WIDE.id(), "notes.txt").stream().sorted().toList(), listing(root));
        run.deleteOwn();

        assertEquals(List.of(NARROW.id(), "notes.txt").stream().sorted().toList(), listing(root));
        assertEquals("someone else's", Files.readString(root.resolve("notes.txt")));
        assertEquals(List.of("run.properties", "step-000000000005"), listing(root.resolve(NARROW.id())));
        assertEquals(NARROW.text(), Files.readString(root.resolve(NARROW.id()).resolve(RunKey.FILE)));
    }

    @Test
    void theDirectoryGoesOnlyWhenThisRunCreatedItAndItIsEmpty() throws IOException {
        Path created = dir.resolve("created");
        RunCheckpoints run = open(created, NARROW, new ArrayList<>());
        checkpoint(run, "step-000000000005");
        // Killed and run again: the directory now exists, but it is still this run's.
        RunCheckpoints rerun = open(created, NARROW, new ArrayList<>());
        rerun.deleteOwn();
        assertFalse(Files.exists(created));

        Path sharedLater = dir.resolve("shared-later");
        RunCheckpoints second = open(sharedLater, NARROW, new ArrayList<>());
        Files.writeString(sharedLater.resolve("notes.txt"), "written meanwhile");
        second.deleteOwn();
        assertEquals(List.of("notes.txt"), listing(sharedLater));

        Path existing = Files.createDirectories(dir.resolve("existing"));
        open(existing, NARROW, new ArrayList<>()).deleteOwn();
        assertTrue(Files.isDirectory(existing));
        assertEquals(List.of(), listing(existing));
    }

    @Test
    void aRunWithOtherSettingsStartsFreshAndSaysWhichSettingsDiffer() {
        Path root = dir.resolve("checkpoints");
        checkpoint(open(root, NARROW, new ArrayList<>()), "step-000000000005");

        List<String> notices = new ArrayList<>();
        RunCheckpoints wide = open(root, WIDE, notices);
        assertEquals(List.of(), wide.store().folders());
        assertEquals(1, notices.size(), notices.toString());
        assertEquals("checkpoint directory " + root.toUri().toString().replaceAll("/$", "") + " holds checkpoints of 1"
                + " other run(s) (" + NARROW.id() + "); they are left alone. This run (" + WIDE.id() + ") starts"
                + " fresh: compared with the newest of them, " + NARROW.id() + ", it differs in student.hidden [32] →"
                + " [64]", notices.get(0).replace("file:/", "file:///").replace("file:////", "file:///"));
    }

    @Test
    void reopeningTheSameKeyFindsItsOwnCheckpointsAndAnEmptyDirectorySaysNothing() {
        Path root = dir.resolve("checkpoints");
        List<String> notices = new ArrayList<>();
        checkpoint(open(root, NARROW, notices), "step-000000000005");
        assertEquals(List.of("step-000000000005"), open(root, NARROW, notices).store().folders());
        assertEquals(List.of(), notices);
    }

    @Test
    void aFolderNamedByThisKeyButHoldingAnotherIsRefused() throws IOException {
        Path root = dir.resolve("checkpoints");
        Path folder = Files.createDirectories(root.resolve(NARROW.id()));
        Files.writeString(folder.resolve(RunKey.FILE), WIDE.text());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> open(root, NARROW, new ArrayList<>()));
        assertTrue(e.getMessage().contains(NARROW.id()) && e.getMessage().contains("another run's settings"),
                e.getMessage());
    }

    @Test
    void aCheckpointDirectoryThatIsAFileIsRefusedAndKept() throws IOException {
        Path file = Files.writeString(dir.resolve("checkpoints"), "a file");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> open(file, NARROW, new ArrayList<>()));
        assertTrue(e.getMessage().contains("is a file, not a directory"), e.getMessage());
        assertEquals("a file", Files.readString(file));
    }
}
