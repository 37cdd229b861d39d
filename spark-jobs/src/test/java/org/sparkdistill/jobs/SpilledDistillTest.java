package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.jobs.spark.LocalSpillFiles;

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

    @Test
    void spilledShardsTrainTheStudentOfShardsInMemoryBitForBit() throws IOException {
        for (String workers : List.of("2")) {
            Map<String, String> settings = DistillFromCacheTest.with("training.workers", workers,
                    "data.shuffleBlock", "16", "data.shuffleBuffer", "64");
            DistillJob.run(in.spark(), CacheFixtures.config(in.train(), in.test(), List.of(in.teacherA()),
                    dir.resolve("memory-" + workers), settings), "in memory");
            settings.put("data.shardMemory", "0");
            DistillJob.run(in.spark(), CacheFixtures.config(in.train(), in.test(), List.of(in.teacherA()),
                    dir.resolve("spilled-" + workers), settings), "spilled");
            assertIdentical(DistillFromCacheTest.studentParameters(dir.resolve("memory-" + workers)),
                    DistillFromCacheTest.studentParameters(dir.resolve("spilled-" + workers)),
                    workers + " worker(s): the students' parameters");
            assertEquals(List.of(), LocalSpillFiles.list());
        }
    }

    @Test
    void aRunThatFailsMidTrainingLeavesNoSpillFile() throws IOException {
        Path poisonedData = dir.resolve("poisoned.parquet");
        PrepareJob.run(in.spark(), CacheFixtures.poisoned(in.trainRows(), 450), poisonedData);
        Map<String, String> settings = DistillFromCacheTest.with("data.shardMemory", "0", "training.workers", "2",
                "training.attempts", "1", "training.checkpointEvery", "0");
        // The replica holding row 450 fails at the teacher stage; the driver reports the barrier stage's failure.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DistillJob.run(in.spark(),
                CacheFixtures.config(poisonedData, in.test(), List.of(CacheFixtures.poisonedTeacher(dir)),
                        dir.resolve("failed"), settings), "failing"));
        assertTrue(e.getMessage().startsWith("training failed in all 1 attempts (training.attempts)"), e.getMessage());
        assertEquals(List.of(), LocalSpillFiles.list());
    }
}
