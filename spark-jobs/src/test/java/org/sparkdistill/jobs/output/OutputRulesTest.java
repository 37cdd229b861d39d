package org.sparkdistill.jobs.output;

import org.sparkdistill.jobs.storage.StoragePath;
import org.sparkdistill.jobs.storage.PublishedOutput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.output.OutputRules.Kind;

class OutputRulesTest {
    @TempDir
    Path dir;
    Path data;
    Path realDir;

    @BeforeEach
    void data() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("rows.csv"), "0,1,2\n");
        realDir = dir.toRealPath();
    }

    List<String> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    String refusal(String output, Kind kind, boolean overwrite, List<NamedPath> inputs) {
        return assertThrows(InvalidInputException.class,
                () -> OutputRules.claim("distill", new NamedPath("output", output), kind, overwrite, inputs).close())
                .getMessage();
    }

    String refusal(String output) {
        return refusal(output, Kind.DIRECTORY, true, List.of(new NamedPath("data.train", data.toString())));
    }

    @Test
    void anOutputThatIsContainsOrLiesInsideAnInputIsRefusedEvenWithOverwrite() throws IOException {
        assertEquals("output = " + data + (realDir.equals(dir) ? "" : " (" + realDir.resolve("data") + ")")
                + " is the input data.train = " + data + (realDir.equals(dir) ? "" : " (" + realDir.resolve("data")
                + ")") + "; spark-distill never writes over its inputs, even with --overwrite: choose another output",
                refusal(data.toString()));
        assertTrue(refusal(data.resolve("out").toString()).contains(" lies inside the input data.train = " + data));
        assertTrue(refusal(dir.toString()).contains(" contains the input data.train = " + data));
        Path teacher = Files.writeString(dir.resolve("teacher.zip"), "zip");
        assertTrue(refusal(teacher.toString(), Kind.FILE, true, List.of(new NamedPath("teachers[0].path",
                teacher.toString()))).contains(" is the input teachers[0].path = " + teacher));
        assertEquals(List.of("data", "teacher.zip"), listing(), "no lock file is left");
        assertEquals(List.of("rows.csv"), List.of(data.toFile().list()));
    }

    @Test
    void anOutputReachedThroughASymbolicLinkOrAFileUriIsTheInputItReaches() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link"), data);
        assertTrue(refusal(link.resolve("out").toString()).contains(" lies inside the input data.train"));
        assertTrue(refusal(dir.resolve("elsewhere").toString(), Kind.DIRECTORY, true,
                List.of(new NamedPath("cache.path", "file://" + dir.resolve("elsewhere/cache")))).contains(
                " contains the input cache.path = file://" + dir.resolve("elsewhere/cache")));
    }

    @Test
    void anInputOnAnotherFileSystemDoesNotClash() {
        try (OutputLock lock = OutputRules.claim("distill", new NamedPath("output", dir.resolve("out").toString()),
                Kind.DIRECTORY, false, List.of(new NamedPath("data.train", "hdfs://nn" + dir.resolve("out"))))) {
            assertEquals(dir.resolve(".out.lock").toString(), lock.file());
        }
    }

    @Test
    void theWorkingDirectoryTheHomeAndTheRootAreRefusedEvenWithOverwrite() {
        Path cwd = Path.of("").toAbsolutePath();
        assertTrue(refusal(".").startsWith("output = . (" + Location.of(".").path() + ") is the working directory "),
                refusal("."));
        assertTrue(refusal(cwd.getParent().toString()).contains(" contains the working directory "));
        assertTrue(refusal(System.getProperty("user.home")).contains(" is the home directory "));
        assertEquals("output = / is the file-system root /; spark-distill never writes there, even with --overwrite:"
                + " choose an output of its own", refusal("/"));
    }

    @Test
    void aParentThatCannotBeWrittenIsRefusedUpFront() {
        // Even root cannot create files in /proc, whatever the permission bits say.
        Path out = Path.of("/proc/spark-distill-test/out");
        String message = refusal(out.toString());
        assertTrue(message.startsWith("output " + out + " cannot be written: its parent directory /proc/spark-distill-test"
                + " is not writable or cannot be created"), message);
    }

    @Test
    void anExistingOutputNeedsOverwriteAndThenOnlyAnEarlierOutputOfTheSameCommandIsReplaced() throws IOException {
        Path out = dir.resolve("out");
        PublishedOutput.publish(StoragePath.local(out), "distill", false, d -> d.child("student.zip").writeText("s"));
        assertTrue(refusal(out.toString(), Kind.DIRECTORY, false, List.of())
                .startsWith("output " + realDir.resolve("out") + " already exists; give --overwrite"));
        OutputRules.claim("distill", new NamedPath("output", out.toString()), Kind.DIRECTORY, true, List.of()).close();

        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertTrue(refusal(foreign.toString(), Kind.DIRECTORY, true, List.of()).contains("it was not written by"
                + " spark-distill"));
        Path file = Files.writeString(dir.resolve("file"), "text");
        assertTrue(refusal(file.toString(), Kind.DIRECTORY, true, List.of()).contains(" is an existing file, not a"
                + " directory"));
        assertEquals(List.of("data", "file", "foreign", "out"), listing(), "no lock file is left");
        assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
    }

    @Test
    void aFileOutputReplacesOnlyAFileAndOnlyWithOverwrite() throws IOException {
        Path model = Files.writeString(dir.resolve("model.zip"), "old");
        assertTrue(refusal(model.toString(), Kind.FILE, false, List.of()).contains(" already exists; give --overwrite"));
        OutputRules.claim("train-teacher", new NamedPath("--output", model.toString()), Kind.FILE, true, List.of())
                .close();
        assertTrue(refusal(data.toString(), Kind.FILE, true, List.of()).contains(" is an existing directory; distill"
                + " writes a file there and never replaces a directory"));
        assertEquals("old", Files.readString(model));
    }

    @Test
    void anUnsetOutputIsNamedByItsKey() {
        assertEquals("cache.path is not set; teacher-infer writes its output there", assertThrows(
                InvalidInputException.class, () -> OutputRules.claim("teacher-infer", new NamedPath("cache.path", null),
                        Kind.DIRECTORY, false, List.of())).getMessage());
    }

    @Test
    void aSecondRunWithTheSameOutputIsRefusedWhileTheFirstHoldsTheLock() throws IOException {
        Path out = dir.resolve("out");
        Path lockFile = realDir.resolve(".out.lock");
        try (OutputLock first = OutputRules.claim("distill", new NamedPath("output", out.toString()), Kind.DIRECTORY,
                false, List.of())) {
            assertEquals(lockFile.toString(), first.file());
            assertTrue(Files.exists(lockFile));
            assertEquals("output " + realDir.resolve("out") + " is being written by another run, which holds the lock"
                    + " file " + lockFile + "; wait for that run to end or choose another output",
                    refusal(out.toString(), Kind.DIRECTORY, false, List.of()));
            assertTrue(Files.exists(lockFile), "the refused run leaves the holder's lock file");
        }
        assertFalse(Files.exists(lockFile), "closing deletes the lock file");
        OutputRules.claim("distill", new NamedPath("output", out.toString()), Kind.DIRECTORY, false, List.of()).close();
        assertEquals(List.of("data"), listing());
    }
}
