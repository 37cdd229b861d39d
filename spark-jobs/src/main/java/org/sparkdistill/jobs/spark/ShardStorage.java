package org.sparkdistill.jobs.spark;

import java.io.File;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.data.ShardBuilder;
import org.sparkdistill.core.data.ShuffleOrder;
import org.sparkdistill.core.data.SpilledShard;

/**
 * How a replica keeps its training shard on an executor: on the heap up to a memory budget, beyond it in a spill file
 * in one of the executor's local directories, visited every epoch in a {@link ShuffleOrder}.
 *
 * <p>The spill file goes where Spark spills its own sort and aggregation data: a directory of the block manager
 * ({@code spark.local.dir}, or the directories the cluster manager gives the executor: {@code SPARK_LOCAL_DIRS} on
 * standalone and Kubernetes, the container's {@code LOCAL_DIRS} on YARN). Those are local to the executor, meant for
 * scratch data, spread over the disks the administrator chose, and removed with the executor's other block manager
 * files when it stops, should a file outlive both its task and the JVM's exit hook.
 *
 * @param memoryBytes the budget in bytes, or null for {@link #DEFAULT_HEAP_FRACTION} of the executor's maximum heap
 *     divided by its task slots
 * @param order the order every epoch visits the shard's rows in
 */
public record ShardStorage(Long memoryBytes, ShuffleOrder order) implements Serializable {
    /**
     * The share of the executor's heap that its concurrently running replicas may fill with their shards by default.
     * Spark's unified memory takes {@code spark.memory.fraction} (0.6) of the heap above 300 MiB for its execution and
     * storage; a shard is user memory, from the rest, where the student, the held-out set, cached soft labels and the
     * shuffle buffer also live.
     */
    public static final double DEFAULT_HEAP_FRACTION = 0.25;

    /** The budget of one replica on this executor. */
    public long budget(TaskContext task) {
        if (memoryBytes != null) {
            return memoryBytes;
        }
        return defaultBudget(Runtime.getRuntime().maxMemory(), taskSlots(SparkEnv.get().conf(), task.cpus()));
    }

    /** {@link #DEFAULT_HEAP_FRACTION} of {@code maxHeap}, divided among {@code slots} concurrent tasks. */
    static long defaultBudget(long maxHeap, int slots) {
        return (long) (DEFAULT_HEAP_FRACTION * maxHeap / slots);
    }

    /**
     * How many tasks of {@code taskCpus} cores an executor runs at once: {@code spark.executor.cores}, or the
     * processors the JVM sees where it is not set (local mode, or a standalone executor that takes the whole worker).
     */
    static int taskSlots(SparkConf conf, int taskCpus) {
        int cores = conf.getInt("spark.executor.cores", Runtime.getRuntime().availableProcessors());
        return Math.max(1, cores / Math.max(1, taskCpus));
    }

    /** The block manager directory the task's spill file goes to; tasks are spread over them by partition. */
    static Path spillDirectory(TaskContext task) {
        File[] directories = SparkEnv.get().blockManager().diskBlockManager().localDirs();
        return directories[task.partitionId() % directories.length].toPath();
    }

    /**
     * Collects a task's rows, as {@link ExampleFrames#shards} yields them, into a shard kept as this storage says.
     * When collecting fails, the spill file written so far is deleted. A spill file's bytes are added to the task's
     * disk spill metric, which Spark's UI shows as "Spill (Disk)", as it does for its own sorts.
     *
     * @param extra reads each row's columns after id, features and label
     */
    public Shard collect(String name, Iterator<InternalRow> rows, DatasetInfo info, ExampleFrames.ExtraColumns extra,
            TaskContext task) {
        try (ShardBuilder builder = new ShardBuilder(name, info.shape(), info.numClasses(), order, budget(task),
                spillDirectory(task))) {
            ExampleFrames.readInternalRows(name, rows, info.shape(), extra, builder::add);
            Shard shard = builder.build();
            if (shard instanceof SpilledShard spilled) {
                task.taskMetrics().incDiskBytesSpilled(spilled.bytes());
            }
            return shard;
        }
    }
}
