package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.data.ShuffleOrder;
import org.sparkdistill.core.data.SpilledShard;

/** Shards collected in Spark tasks spill into the block manager's directories and leave nothing there. */
class ShardStorageTest {
    private static final DatasetInfo INFO = new DatasetInfo(new int[] {5}, 3, 300);
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().config(new SparkConf().setMaster("local[2]").setAppName("shard-storage-test")
                .set("spark.ui.enabled", "false")).getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static JavaRDD<org.apache.spark.sql.catalyst.InternalRow> shards() {
        Random random = new Random(4L);
        float[] features = new float[300 * 5];
        int[] labels = new int[300];
        for (int i = 0; i < 300; i++) {
            labels[i] = random.nextInt(3);
            for (int j = 0; j < 5; j++) {
                features[i * 5 + j] = (float) random.nextGaussian();
            }
        }
        return ExampleFrames.shards(ExampleFrames.toFrame(spark, new Examples("rows", features, labels,
                new int[] {5}, 3)), 2);
    }

    @Test
    void aShardBeyondItsBudgetSpillsIntoABlockManagerDirectoryAndIsDeletedOnClose() {
        ShardStorage storage = new ShardStorage(0L, new ShuffleOrder(16, 32));
        List<String> tasks = shards().mapPartitions(rows -> {
            TaskContext task = TaskContext.get();
            List<Path> directories = Stream.of(SparkEnv.get().blockManager().diskBlockManager().localDirs())
                    .map(java.io.File::toPath).toList();
            Path file;
            String seen;
            try (Shard shard = storage.collect("shard " + task.partitionId(), rows, INFO,
                    ExampleFrames.ExtraColumns.NONE, task)) {
                file = ((SpilledShard) shard).path();
                seen = shard.size() + " rows, in a local directory: " + directories.contains(file.getParent())
                        + ", written: " + Files.isRegularFile(file);
            }
            return List.of(seen + ", deleted: " + Files.notExists(file)).iterator();
        }).collect();
        assertEquals(2, tasks.size());
        int rows = 0;
        for (String task : tasks) {
            assertTrue(task.endsWith(" rows, in a local directory: true, written: true, deleted: true"), task);
            rows += Integer.parseInt(task.substring(0, task.indexOf(' ')));
        }
        assertEquals(300, rows);
        assertEquals(List.of(), LocalSpillFiles.list());
    }

    @Test
    void aTaskThatFailsWhileCollectingLeavesNoSpillFile() throws Exception {
        ShardStorage storage = new ShardStorage(0L, new ShuffleOrder(16, 32));
        try (RunningTasks tasks = RunningTasks.track(spark.sparkContext())) {
            SparkException e = assertThrows(SparkException.class, () -> shards().mapPartitions(rows -> {
                TaskContext task = TaskContext.get();
                int[] read = new int[1];
                ExampleFrames.ExtraColumns failing = (id, row, first) -> {
                    if (++read[0] == 100) {
                        throw new IllegalStateException("row " + id + " cannot be read");
                    }
                };
                try (Shard shard = storage.collect("shard", rows, INFO, failing, task)) {
                    return List.of(shard.size()).iterator();
                }
            }).collect());
            assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
            // The job fails with the first failed task; Spark kills the other one later, which deletes its file as it
            // ends.
            tasks.awaitNone(Duration.ofMinutes(2));
        }
        assertEquals(List.of(), LocalSpillFiles.list());
    }

    @Test
    void theDefaultBudgetIsAQuarterOfTheHeapSharedByTheExecutorsTaskSlots() {
        assertEquals(256L << 20, ShardStorage.defaultBudget(4L << 30, 4));
        assertEquals(4, ShardStorage.taskSlots(new SparkConf(false).set("spark.executor.cores", "8"), 2));
        assertEquals(1, ShardStorage.taskSlots(new SparkConf(false).set("spark.executor.cores", "1"), 2));
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors()),
                ShardStorage.taskSlots(new SparkConf(false), 1));
        long[] budgets = shards().mapPartitions(rows -> List.of(new ShardStorage(null, ShuffleOrder.DEFAULT)
                .budget(TaskContext.get())).iterator()).collect().stream().mapToLong(Long::longValue).toArray();
        long expected = ShardStorage.defaultBudget(Runtime.getRuntime().maxMemory(),
                ShardStorage.taskSlots(SparkEnv.get().conf(), 1));
        assertEquals(List.of(expected, expected), List.of(budgets[0], budgets[1]));
        assertEquals(12345L, new ShardStorage(12345L, ShuffleOrder.DEFAULT).budget(null));
    }
}
