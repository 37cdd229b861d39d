package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.jobs.cli.SparkDistill;

/** Each bad input gets exit status 2, one clear message naming what and where, and no output directory. */
class BadInputIT {
    @TempDir
    Path dir;

    Path output() {
        return dir.resolve("out");
    }

    void assertRefused(Fixtures.Run run, String... fragments) throws IOException {
        assertEquals(SparkDistill.INVALID_INPUT, run.status(), run.err());
        assertTrue(run.err().startsWith("error: "), run.err());
        for (String fragment : fragments) {
            assertTrue(run.err().contains(fragment), "expected '" + fragment + "' in: " + run.err());
        }
        assertFalse(Files.exists(output()), "no output is left");
        assertTrue(Fixtures.listing(dir).stream().noneMatch(n -> n.startsWith(".out")), Fixtures.listing(dir).toString());
    }

    Fixtures.Run distill(String... extra) {
        String[] base = {"distill", "--output", output().toString(), "--master", "local[1]", "--epochs", "1",
            "--limit", "500"};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Fixtures.cli(args);
    }

    @Test
    void moreWorkersThanRowsIsRefusedOnceWithoutRetrying() throws IOException {
        Fixtures.Run run = Fixtures.cli("distill", "--output", output().toString(), "--master", "local[2]", "--epochs",
                "1", "--limit", "1", "--data", Fixtures.fashionMnist().toString(), "--alpha", "0",
                "--set", "training.workers=2");
        assertRefused(run, "a worker got no training rows", "training.workers");
        assertFalse(run.err().contains("attempt"), "bad input is not retried: " + run.err());
    }

    @Test
    void missingDataDirectory() throws IOException {
        Path missing = dir.resolve("no-such-dir");
        assertRefused(distill("--data", missing.toString(), "--alpha", "0"), missing.toString(), "no such file or directory");
    }

    @Test
    void truncatedIdxFile() throws IOException {
        Path copy = dir.resolve("fashion");
        Files.createDirectories(copy);
        for (String name : new String[] {"train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.copy(Fixtures.fashionMnist().resolve(name), copy.resolve(name));
        }
        byte[] images = Files.readAllBytes(Fixtures.fashionMnist().resolve("train-images-idx3-ubyte.gz"));
        Path truncated = copy.resolve("train-images-idx3-ubyte.gz");
        // Cut within the first rows, which the job reads (each task decodes only the rows it needs).
        Files.write(truncated, Arrays.copyOf(images, 4096));
        assertRefused(distill("--data", copy.toString(), "--alpha", "0"), truncated.toString(), "truncated");
    }

    @Test
    void teacherWithTheWrongClassCount() throws IOException {
        Path teacher = Fixtures.networkWithClasses(dir, 5);
        assertRefused(distill("--data", Fixtures.fashionMnist().toString(), "--teacher", teacher.toString()),
                "classes-5.zip", "[1, 5]", "[1, 10]");
    }

    @Test
    void corruptTeacherZip() throws IOException {
        Path teacher = dir.resolve("corrupt.zip");
        Files.write(teacher, new byte[] {'P', 'K', 3, 4, 0, 0, 1, 2, 3});
        assertRefused(distill("--data", Fixtures.fashionMnist().toString(), "--teacher", teacher.toString()),
                teacher.toString(), "not a readable DL4J model zip");
    }

    @Test
    void unknownConfigKey() throws IOException {
        Path config = dir.resolve("job.yaml");
        Files.writeString(config, "data: {train: " + Fixtures.fashionMnist() + "}\ntraining: {epohcs: 3}\n");
        assertRefused(distill("--config", config.toString()), config.toString(), "training.epohcs: unknown key");
    }

    @Test
    void negativeTemperature() throws IOException {
        assertRefused(distill("--data", Fixtures.fashionMnist().toString(), "--temperature", "-2"),
                "distillation.temperature = -2.0: must be in (0, 100]");
    }

    @Test
    void distillationWithoutATeacher() throws IOException {
        assertRefused(distill("--data", Fixtures.fashionMnist().toString()), "distillation.alpha = 0.9",
                "needs at least one teacher");
    }

    @Test
    void aPeerListOfOneIsRefusedBeforeSparkStarts() throws IOException {
        Path config = dir.resolve("peers.yaml");
        Files.writeString(config, "data: {train: " + Fixtures.fashionMnist() + "}\nstudent: {peers: [{hidden: [16]}]}\n"
                + "distillation: {alpha: 0, objectives: [{type: kd}, {type: mutual}]}\n");
        assertRefused(distill("--config", config.toString()), "student.peers lists 1 peer");
    }

    @Test
    void groupsThatDoNotDivideTheWorkersAnExchangeIntervalOfZeroAndCheckpointsBetweenExchangesAreRefused()
            throws IOException {
        Path config = dir.resolve("codistill.yaml");
        Files.writeString(config, "data: {train: " + Fixtures.fashionMnist() + "}\ndistillation: {alpha: 0, "
                + "objectives: [{type: kd}, {type: codistill}]}\ntraining: {workers: 4, groups: 2}\n");
        assertRefused(distill("--config", config.toString(), "--set", "training.groups=3"),
                "training.groups = 3 does not divide training.workers = 4");
        assertRefused(distill("--config", config.toString(), "--set", "training.exchangeEvery=0"),
                "training.exchangeEvery = 0");
        assertRefused(distill("--config", config.toString(), "--set", "training.exchangeEvery=20", "--set",
                "training.checkpointEvery=30"), "training.checkpointEvery = 30 is not a multiple of"
                + " training.exchangeEvery = 20");
    }
}
