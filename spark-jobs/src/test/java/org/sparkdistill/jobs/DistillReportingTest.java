package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;

/**
 * What a run tells as it goes: progress lines and each epoch's metrics on the driver, every step of rank 0 in
 * {@code steps.jsonl}, and job descriptions that say what runs, giving the caller's own description back.
 */
class DistillReportingTest {
    @TempDir
    static Path dir;

    static Path train;
    static Path test;

    @BeforeAll
    static void prepare() {
        train = dir.resolve("train.parquet");
        test = dir.resolve("test.parquet");
        PrepareJob.run(spark(), StudentKindsTest.images("train", 200, 1L), train);
        PrepareJob.run(spark(), StudentKindsTest.images("test", 40, 2L), test);
    }

    @AfterAll
    static void stop() {
        spark().stop();
    }

    static SparkSession spark() {
        return CacheFixtures.localSpark("distill-reporting-test");
    }

    @Test
    void aRunPrintsItsProgressRecordsEveryStepAndDescribesItsJobs() throws IOException {
        DistillConfig config = ConfigLoader.parse("data: {train: " + train + ", test: " + test + "}\n"
                + "student: {hidden: [8]}\ndistillation: {alpha: 0}\n"
                + "training: {epochs: 2, batchSize: 25, seed: 3, workers: 2}\noutput: " + dir.resolve("out") + "\n",
                "reporting.yaml", Map.of());
        List<String> descriptions = new CopyOnWriteArrayList<>();
        SparkListener jobs = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                descriptions.add(String.valueOf(start.properties().getProperty("spark.job.description")));
            }
        };
        spark().sparkContext().addSparkListener(jobs);
        spark().sparkContext().setJobDescription("a notebook's paragraph");
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            DistillJob.run(spark(), config, "reported");
        } finally {
            System.setOut(original);
            spark().sparkContext().removeSparkListener(jobs);
        }

        assertEquals("a notebook's paragraph", spark().sparkContext().getLocalProperty("spark.job.description"),
                "the caller's description is given back");
        spark().sparkContext().setJobDescription(null);
        assertTrue(descriptions.contains("spark-distill distill: training, attempt 1 of 3: 2 epoch(s) on 2 worker(s),"
                + " one barrier stage"), descriptions.toString());
        // About 100 rows a shard, 4 or 5 steps of 25 an epoch: the largest shard decides.
        List<String> steps = Files.readAllLines(dir.resolve("out").resolve(DistillJob.STEPS_FILE));
        int total = steps.size();
        assertTrue(total == 8 || total == 10, steps.toString());
        assertTrue(steps.get(0).startsWith("{\"step\": 1, \"epoch\": 1, \"loss\": "), steps.get(0));
        assertTrue(steps.get(total - 1).startsWith("{\"step\": " + total + ", \"epoch\": 2, \"loss\": "),
                steps.get(total - 1));
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("progress: epoch 2/2, step " + total + "/" + total + " (100.0%)"), out);
        assertTrue(out.contains("epoch 1 done at step " + total / 2 + ": held-out accuracy ")
                && out.contains("epoch 2 done at step " + total + ": held-out accuracy "), out);
    }
}
