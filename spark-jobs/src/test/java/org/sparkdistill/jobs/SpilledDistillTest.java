package org.sparkdistill.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.LocalSpillFiles;
import org.sparkdistill.jobs.spark.RunningTasks;

/** {@code distill} with every replica's shard spilled to local disk: the student of the in-memory run, no file left. */
class SpilledDistillTest {
    @TempDir
    static Path dir;

    static CacheFixtures.Inputs in;

    @BeforeAll
    static void prepare() throws IOException {
        in = CacheFixtures.Inputs.prepare(dir, "spilled-distill-test", 600);
    }

    @AfterAll
    static void stop() {
        in.spark().stop();
    }

    /** The bytes the tasks of {@code run} report spilled to disk. */
    private static long diskBytesSpilled(Runnable run) throws TimeoutException {
        AtomicLong spilled = new AtomicLong();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskMetrics() != null) {
                    spilled.addAndGet(end.taskMetrics().diskBytesSpilled());
                }
            }
        };
        SparkContext context = in.spark().sparkContext();
        context.addSparkListener(listener);
        try {
            run.run();
            context.listenerBus().waitUntilEmpty();
        } finally {
            context.removeSparkListener(listener);
        }
        return spilled.get();
    }

    @Test
    void spilledShardsTrainTheStudentOfShardsInMemoryBitForBit() throws IOException, TimeoutException {
        Map<String, String> settings = DistillFromCacheTest.with("training.workers", "2", "data.shuffleBlock", "16",
                "data.shuffleBuffer", "64");
        DistillConfig inMemory = CacheFixtures.config(in.train(), in.test(), List.of(in.teacherA()),
                dir.resolve("memory"), settings);
        settings.put("data.shardMemory", "0");
        DistillConfig spilled = CacheFixtures.config(in.train(), in.test(), List.of(in.teacherA()),
                dir.resolve("spilled"), settings);
        long blocks = 0;
        // The shards as ExampleFrames.shards cuts them: hash-partitioned by id.
        for (Row shard : in.spark().read().parquet(in.train().toString()).repartition(2, col(ExampleFrames.ID))
                .groupBy(spark_partition_id()).count().collectAsList()) {
            blocks += (shard.getLong(1) + 15) / 16;
        }
        assertEquals(0, diskBytesSpilled(() -> DistillJob.run(in.spark(), inMemory, "in memory")));
        // 600 records of 8 features and a label, a checksum per block of 16 rows, a 32-byte header per shard.
        assertEquals(600 * 36 + blocks * 4 + 2 * 32, diskBytesSpilled(() -> DistillJob.run(in.spark(), spilled,
                "spilled")));
        assertIdentical(DistillFromCacheTest.studentParameters(dir.resolve("memory")),
                DistillFromCacheTest.studentParameters(dir.resolve("spilled")), "the students' parameters");
        assertEquals(List.of(), LocalSpillFiles.list());
    }

    @Test
    void aRunThatFailsMidTrainingLeavesNoSpillFile() throws IOException, InterruptedException, TimeoutException {
        Path poisonedData = dir.resolve("poisoned.parquet");
        PrepareJob.run(in.spark(), CacheFixtures.poisoned(in.trainRows(), 450), poisonedData);
        Map<String, String> settings = DistillFromCacheTest.with("data.shardMemory", "0", "training.workers", "2",
                "training.attempts", "1", "training.checkpointEvery", "0");
        DistillConfig config = CacheFixtures.config(poisonedData, in.test(), List.of(CacheFixtures.poisonedTeacher(dir)),
                dir.resolve("failed"), settings);
        try (RunningTasks tasks = RunningTasks.track(in.spark().sparkContext())) {
            // The replica holding row 450 fails at the teacher stage; the driver reports the barrier stage's failure.
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> DistillJob.run(in.spark(), config, "failing"));
            assertTrue(e.getMessage().startsWith("training failed in all 1 attempts (training.attempts)"),
                    e.getMessage());
            // The other replica is killed once the job has failed, and deletes its file as it ends.
            tasks.awaitNone(Duration.ofMinutes(2));
        }
        assertEquals(List.of(), LocalSpillFiles.list());
    }
}
