package org.sparkdistill.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;

/** The lock between processes: held while the holder lives, freed however it ends. */
class OutputLockTest {
    @TempDir
    Path dir;

    /** Takes the lock of the output given as argument, says so, and holds it until the process is stopped. */
    static final class Holder {
        public static void main(String[] args) throws InterruptedException {
            try (OutputLock lock = OutputLock.take(Path.of(args[0]))) {
                System.out.println("holding " + lock.file());
                System.out.flush();
                // Never counted down: only a signal ends this process, so only the shutdown hook can delete the file.
                new CountDownLatch(1).await();
            }
        }
    }

    Process holder(Path output) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Holder.class.getName(), output.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertEquals("holding " + OutputLock.fileOf(output), line);
        return process;
    }

    /** Starts a holder of {@code output}'s lock, checks that it keeps this process out, then stops it. */
    void holdElsewhereThenStop(Path output, boolean kill) throws Exception {
        Process process = holder(output);
        try {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> OutputLock.take(output).close());
            assertTrue(e.getMessage().startsWith("output " + output + " is being written by another run, which holds"
                    + " the lock file " + OutputLock.fileOf(output)), e.getMessage());
        } finally {
            if (kill) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            assertTrue(process.waitFor(1, TimeUnit.MINUTES));
        }
    }

    @Test
    void anotherProcessHoldsTheLockUntilItEndsAndItsShutdownDeletesTheFile() throws Exception {
        Path output = dir.resolve("out");
        holdElsewhereThenStop(output, false);
        assertFalse(Files.exists(OutputLock.fileOf(output)), "stopping the holder deleted its lock file");
        OutputLock.take(output).close();
        assertEquals(List.of(), List.of(dir.toFile().list()));
    }

    @Test
    void aKilledHoldersLockFileStaysButLocksNobodyOut() throws Exception {
        Path output = dir.resolve("out");
        holdElsewhereThenStop(output, true);
        assertTrue(Files.exists(OutputLock.fileOf(output)), "a killed process deletes nothing");
        try (OutputLock lock = OutputLock.take(output)) {
            assertEquals(OutputLock.fileOf(output).toString(), lock.file());
        }
        assertFalse(Files.exists(OutputLock.fileOf(output)));
    }
}
