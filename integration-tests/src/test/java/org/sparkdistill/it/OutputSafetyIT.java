package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.jobs.storage.OutputMarker;
import org.sparkdistill.jobs.cache.CacheManifest;
import org.sparkdistill.jobs.cli.SparkDistill;

/**
 * Ordinary mistakes with output paths are refused through the command line with exit status 2 and a message naming
 * the output and what it clashes with, and every input stays byte for byte as it was.
 */
class OutputSafetyIT {
    @TempDir
    static Path dir;
    static Path data;
    static Path teacher;
    static Path cache;
    static Path job;

    Map<String, String> inputsBefore;

    @BeforeAll
    static void inputs() throws IOException {
        data = Files.createDirectories(dir.resolve("fashion"));
        try (Stream<Path> files = Files.list(Fixtures.fashionMnist())) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith("-ubyte.gz")).toList()) {
                Files.copy(file, data.resolve(file.getFileName()));
            }
        }
        teacher = Fixtures.networkWithClasses(dir, 10);
        cache = dir.resolve("cache");
        job = Fixtures.cacheJob(dir.resolve("job.yaml"), data, teacher, cache, dir.resolve("out"), 300, 3);
        Fixtures.Run infer = Fixtures.cli("teacher-infer", "--config", job.toString());
        assertEquals(0, infer.status(), infer.err());
    }

    @BeforeEach
    void hashInputs() {
        inputsBefore = hashes(data, teacher, cache, job);
    }

    @AfterEach
    void inputsAreIntact() throws IOException {
        assertEquals(inputsBefore, hashes(data, teacher, cache, job), "every input byte for byte as it was");
        assertTrue(Fixtures.listing(dir).stream().noneMatch(n -> n.endsWith(".lock")),
                "no lock file is left: " + Fixtures.listing(dir));
    }

    /** SHA-256 of every file under the given files and directories, by path. */
    static Map<String, String> hashes(Path... roots) {
        Map<String, String> hashes = new TreeMap<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    hashes.put(file.toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime provides SHA-256", e);
            }
        }
        return hashes;
    }

    static void assertRefused(Fixtures.Run run, String... fragments) {
        assertEquals(SparkDistill.INVALID_INPUT, run.status(), run.err());
        assertTrue(run.err().startsWith("error: "), run.err());
        for (String fragment : fragments) {
            assertTrue(run.err().contains(fragment), "expected '" + fragment + "' in: " + run.err());
        }
    }

    static Fixtures.Run distill(String... more) {
        List<String> args = new ArrayList<>(List.of("distill", "--config", job.toString(), "--epochs", "1"));
        args.addAll(List.of(more));
        return Fixtures.cli(args.toArray(String[]::new));
    }

    @Test
    void theWorkingDirectoryIsRefused() throws IOException {
        Path cwd = Path.of("").toRealPath();
        assertRefused(distill("--output", "."), "output = . (" + cwd + ") is the working directory " + cwd
                + "; spark-distill never writes there, even with --overwrite");
    }

    @Test
    void theRootIsRefused() {
        assertRefused(distill("--output", "/", "--overwrite"), "output = / is the file-system root /");
    }

    @Test
    void theTrainingDataAsOutputIsRefused() {
        assertRefused(distill("--output", data.toString(), "--overwrite"),
                "output = " + data + " is the input data.train = " + data);
    }

    @Test
    void prepareInPlaceIsRefused() {
        assertRefused(Fixtures.cli("prepare", "--input", data.toString(), "--output", data.toString(), "--overwrite"),
                "--output = " + data + " is the input --input = " + data);
    }

    @Test
    void teacherInferIntoTheTrainingDataIsRefused() {
        assertRefused(Fixtures.cli("teacher-infer", "--config", job.toString(), "--cache", data.toString(),
                "--overwrite"), "cache.path = " + data + " is the input data.train = " + data);
    }

    @Test
    void aTeacherFileAsOutputIsRefused() {
        assertRefused(distill("--output", teacher.toString(), "--overwrite"),
                "output = " + teacher + " is the input teachers[0].path = " + teacher);
        Path insideData = data.resolve("teacher.zip");
        assertRefused(Fixtures.cli("train-teacher", "--data", data.toString(), "--output", insideData.toString(),
                "--overwrite"), "--output = " + insideData + " lies inside the input --data = " + data);
        assertFalse(Files.exists(insideData));
    }

    @Test
    void quickstartIntoItsDataOrItsTeacherCacheIsRefused() throws IOException {
        // No IDX files: the refusals come before the data is read, and a run that got past them would fail at once
        // instead of training a teacher on 60,000 images.
        Path quickData = Files.createDirectories(dir.resolve("quickstart-data"));
        Files.writeString(quickData.resolve("notes.txt"), "kept");
        Path teachers = dir.resolve("teacher-cache");
        Path insideData = quickData.resolve("quickstart");
        assertRefused(Fixtures.cli("quickstart", "--data", quickData.toString(), "--cache", teachers.toString(),
                "--output", insideData.toString(), "--overwrite"), "--output = " + insideData + " lies inside the input"
                + " --data = " + quickData);
        assertRefused(Fixtures.cli("quickstart", "--data", quickData.toString(), "--cache", teachers.toString(),
                "--output", teachers.toString(), "--overwrite"), "--output = " + teachers + " is the input --cache = "
                + teachers);
        assertEquals(List.of("notes.txt"), Fixtures.listing(quickData));
        assertEquals("kept", Files.readString(quickData.resolve("notes.txt")));
        assertFalse(Files.exists(teachers));
    }

    @Test
    void theCacheDistillReadsAsItsOutputIsRefused() {
        assertRefused(distill("--cache", cache.toString(), "--output", cache.toString(), "--overwrite"),
                "output = " + cache + " is the input cache.path = " + cache);
    }

    @Test
    void anExistingOutputIsRefusedWithoutOverwrite() {
        assertRefused(Fixtures.cli("teacher-infer", "--config", job.toString()), "output " + cache
                + " already exists; give --overwrite (overwrite: true) to replace an earlier output of 'teacher-infer'");
    }

    @Test
    void aDirectoryNotWrittenBySparkDistillIsRefusedEvenWithOverwrite() throws IOException {
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertRefused(distill("--output", foreign.toString(), "--overwrite"),
                "output " + foreign + " cannot be replaced: it was not written by spark-distill");
        assertEquals(List.of("notes.txt"), Fixtures.listing(foreign));
        assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
    }

    @Test
    void aParentThatCannotBeWrittenIsRefusedBeforeTraining() {
        // Permission bits do not stop root; nobody can create files in /proc.
        assertRefused(distill("--output", "/proc/spark-distill/out"), "output /proc/spark-distill/out cannot be"
                + " written: its parent directory /proc/spark-distill is not writable or cannot be created");
    }

    @Test
    void overwriteReplacesAnEarlierOutputOfTheSameCommand() throws IOException {
        Path again = dir.resolve("cache-again");
        assertEquals(0, Fixtures.cli("teacher-infer", "--config", job.toString(), "--cache", again.toString()).status());
        Path leftover = Files.writeString(again.resolve("leftover.txt"), "from before");
        Fixtures.Run run = Fixtures.cli("teacher-infer", "--config", job.toString(), "--cache", again.toString(),
                "--overwrite");
        assertEquals(0, run.status(), run.err());
        assertFalse(Files.exists(leftover), "the earlier output is replaced whole");
        assertEquals(List.of(OutputMarker.FILE_NAME, CacheManifest.TABLE, CacheManifest.FILE_NAME),
                Fixtures.listing(again));
        assertTrue(Fixtures.listing(dir).stream().noneMatch(n -> n.startsWith(".cache-again")), "nothing staged left");
    }

    @Test
    void aSecondRunIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
        Path out = dir.toRealPath().resolve("locked-cache");
        Path lockFile = out.resolveSibling(".locked-cache.lock");
        Process first = new ProcessBuilder(javaCommand("teacher-infer", "--config", job.toString(), "--cache",
                out.toString(), "--master", "local[1]"))
                .redirectError(dir.resolve("first-run.err").toFile()).start();
        try (BufferedReader stdout = new BufferedReader(new InputStreamReader(first.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = stdout.readLine();
            while (line != null && !line.startsWith("writing ")) {
                line = stdout.readLine();
            }
            assertEquals("writing " + out + " (lock " + lockFile + ")", line, "the first run holds the lock");

            assertRefused(Fixtures.cli("teacher-infer", "--config", job.toString(), "--cache", out.toString()),
                    "output " + out + " is being written by another run, which holds the lock file " + lockFile);
            assertTrue(first.isAlive(), "the second run was refused while the first was running");
            stdout.transferTo(java.io.Writer.nullWriter());
        } finally {
            if (!first.waitFor(5, TimeUnit.MINUTES)) {
                first.destroyForcibly().waitFor();
            }
        }
        assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first-run.err")));
        assertTrue(Files.isRegularFile(out.resolve(OutputMarker.FILE_NAME)), "the first run published its output");
        assertFalse(Files.exists(lockFile), "the first run deleted its lock file when it ended");
    }

    /** A JVM like this one, with its module openings, running the command line. */
    static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                        || a.startsWith("-Djdk.reflect") || a.startsWith("-Dorg.bytedeco"))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SparkDistill.class.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
