package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.it.cluster.ClusterSpec;
import org.sparkdistill.it.cluster.StandaloneCluster;
import org.sparkdistill.it.cluster.Submission;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.cli.SparkDistill;
import org.sparkdistill.jobs.report.ComparisonReport;

/** spark-distill submitted through SparkSubmit to a Spark standalone cluster: a master and two workers, each a JVM. */
class ClusterIT {
    @TempDir
    static Path dir;

    static Path teacher;
    static StandaloneCluster cluster;

    @BeforeAll
    static void trainTeacherAndStartCluster() {
        teacher = Fixtures.cnnTeacher(dir, 1000);
        cluster = StandaloneCluster.start(ClusterSpec.defaults());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void distilsOnExecutorsOfBothWorkersAndWritesACompleteOutput() throws IOException {
        Path out = dir.resolve("distilled");
        CompletableFuture<Submission> running = CompletableFuture.supplyAsync(() -> cluster.submit(List.of("distill",
                "--data", Fixtures.fashionMnist().toString(), "--limit", "2000", "--teacher", teacher.toString(),
                "--epochs", "1", "--seed", "5", "--set", "student.hidden=32", "--output", out.toString()), Map.of()));
        List<Long> executors = cluster.awaitExecutors(2, Duration.ofMinutes(2));
        Submission run = running.join();

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(Files.isRegularFile(out.resolve(DistillJob.MODEL_FILE)), Fixtures.listing(out)::toString);
        assertTrue(Files.isRegularFile(out.resolve(ComparisonReport.JSON_FILE)), Fixtures.listing(out)::toString);
        assertEquals(List.of(), cluster.awaitExecutors(0, Duration.ofMinutes(1)),
                "the workers stop executors " + executors + " when the application ends");

        List<Path> executorLogs = cluster.executorLogs();
        assertEquals(2, executorLogs.size(), "one executor per worker: " + executorLogs);
        for (Path log : executorLogs) {
            String command = Files.readAllLines(log).get(0);
            assertTrue(command.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"),
                    "the driver's SparkContext gives executors Spark's --add-opens options: " + command);
            assertTrue(command.contains("-Dorg.bytedeco.javacpp.maxbytes=3G"), command);
        }
    }

    @Test
    void refusesABadArgumentWithExitStatusTwoAndOneErrorLine() {
        Path out = dir.resolve("refused");
        Submission run = cluster.submit(List.of("distill", "--data", Fixtures.fashionMnist().toString(),
                "--teacher", teacher.toString(), "--temperature", "-2", "--output", out.toString()), Map.of());
        assertEquals(SparkDistill.INVALID_INPUT, run.exitCode(), run::toString);
        assertEquals(1, run.linesStartingWith("error: ").size(), run::toString);
        assertTrue(run.output().contains("distillation.temperature = -2.0: must be in (0, 100]"), run::toString);
        assertFalse(Files.exists(out), "no output is left");
    }
}
