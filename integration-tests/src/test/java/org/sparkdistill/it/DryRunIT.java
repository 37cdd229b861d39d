package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.jobs.cli.SparkDistill;

/**
 * {@code distill --dry-run} checks what a run would check before it trains, prints the plan and writes nothing; a
 * configuration error, a data error and too few task slots are each refused with exit status 2.
 */
class DryRunIT {
    @TempDir
    Path dir;

    /** A run's exit status, what it printed and what it reported as an error. */
    private record Printed(int status, String out, String err) {}

    private Printed dryRun(String... extra) {
        List<String> args = new ArrayList<>(List.of("distill", "--dry-run", "--output", dir.resolve("out").toString(),
                "--master", "local[1]", "--epochs", "2", "--limit", "500", "--alpha", "0"));
        args.addAll(List.of(extra));
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Fixtures.Run run = Fixtures.cli(args.toArray(String[]::new));
            return new Printed(run.status(), out.toString(StandardCharsets.UTF_8), run.err());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void aValidRunPrintsItsPlanAndWritesNothing() throws IOException {
        Printed run = dryRun("--data", Fixtures.fashionMnist().toString(), "--set", "training.checkpointEvery=5");

        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("dry run: every check passed; nothing was trained or written"), run.out());
        for (String line : List.of("  data: 500 training rows of shape ", "  soft targets: none (labels only)",
                "  training: 1 worker(s), 2 epoch(s) of 8 steps (16 in all), batch 64 per worker, seed 42",
                "  task slots: 1 needed at once; Spark master local[1] has 1",
                "  checkpoints: every 5 steps, in ")) {
            assertTrue(run.out().contains(line), "'" + line + "' in: " + run.out());
        }
        assertEquals(List.of(), Fixtures.listing(dir), "no output, lock or checkpoint is written");
    }

    @Test
    void aConfigurationErrorIsRefused() throws IOException {
        Printed run = dryRun("--data", Fixtures.fashionMnist().toString(), "--set", "training.epochs=0");
        assertRefused(run, "training.epochs = 0");
    }

    @Test
    void aDataErrorIsRefused() throws IOException {
        Path missing = dir.resolve("no-such-data");
        assertRefused(dryRun("--data", missing.toString()), missing + ": no such file or directory");
    }

    @Test
    void tooFewTaskSlotsAreRefused() throws IOException {
        assertRefused(dryRun("--data", Fixtures.fashionMnist().toString(), "--set", "training.workers=2"),
                "training.workers = 2 needs 2 task slots at once, but Spark master local[1] has 1");
    }

    private void assertRefused(Printed run, String fragment) throws IOException {
        assertEquals(SparkDistill.INVALID_INPUT, run.status(), run.err());
        assertTrue(run.err().contains(fragment), "expected '" + fragment + "' in: " + run.err());
        assertTrue(!run.out().contains("dry run: every check passed"), run.out());
        assertEquals(List.of(), Fixtures.listing(dir), "nothing is written");
    }
}
