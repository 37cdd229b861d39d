package org.sparkdistill.jobs.spark;

import java.util.Optional;
import java.util.OptionalInt;
import org.apache.spark.SparkConf;
import org.sparkdistill.core.InvalidInputException;

/**
 * The task slots a barrier stage of {@code training.workers} tasks needs at once, as far as the Spark configuration
 * tells before any executor registers: Spark runs a barrier stage only when all its tasks can start together, and never
 * with dynamic allocation.
 *
 * <p>The slots are {@code local[N]}'s N; on a standalone cluster {@code spark.cores.max} over {@code spark.task.cpus};
 * elsewhere {@code spark.executor.instances} × {@code spark.executor.cores} over {@code spark.task.cpus}. A cluster
 * that sets none of them is not judged: Spark waits for the slots and fails the stage if they never come.
 */
public final class TaskSlots {
    private TaskSlots() {}

    /** A slot count and the settings it comes from, for messages. */
    private record Slots(int count, String source) {}

    /**
     * The slots {@code conf} provides, if it says.
     *
     * @param localSlots the slots of a {@code local[…]} master (Spark's default parallelism there)
     */
    public static OptionalInt configured(SparkConf conf, int localSlots) {
        Optional<Slots> slots = slots(conf, localSlots);
        return slots.isPresent() ? OptionalInt.of(slots.get().count()) : OptionalInt.empty();
    }

    private static Optional<Slots> slots(SparkConf conf, int localSlots) {
        String master = conf.get("spark.master", "");
        int taskCpus = conf.getInt("spark.task.cpus", 1);
        if (master.startsWith("local")) {
            return Optional.of(new Slots(localSlots, ""));
        }
        if (master.startsWith("spark://") && conf.contains("spark.cores.max")) {
            return Optional.of(new Slots(conf.getInt("spark.cores.max", 0) / taskCpus, " (spark.cores.max = "
                    + conf.get("spark.cores.max") + ", spark.task.cpus = " + taskCpus + ")"));
        }
        if (conf.contains("spark.executor.instances")) {
            int cores = conf.getInt("spark.executor.cores", 1);
            return Optional.of(new Slots(conf.getInt("spark.executor.instances", 0) * cores / taskCpus,
                    " (spark.executor.instances = " + conf.get("spark.executor.instances") + ", spark.executor.cores = "
                            + cores + ", spark.task.cpus = " + taskCpus + ")"));
        }
        return Optional.empty();
    }

    /**
     * Refuses {@code workers} barrier tasks where dynamic allocation is on, or where the configured slots are fewer.
     *
     * @throws InvalidInputException naming the settings
     */
    public static void require(SparkConf conf, int localSlots, int workers) {
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new InvalidInputException("training.workers = " + workers + " trains as a barrier stage, which Spark"
                    + " does not run with spark.dynamicAllocation.enabled = true; set it to false and give the job "
                    + workers + " task slots");
        }
        OptionalInt slots = configured(conf, localSlots);
        if (slots.isPresent() && slots.getAsInt() < workers) {
            throw new InvalidInputException("training.workers = " + workers + " needs " + workers + " task slots at"
                    + " once, but " + describe(conf, localSlots) + "; give the job more slots or fewer workers");
        }
    }

    /** What the configuration says of the slots, for the plan a dry run prints. */
    public static String describe(SparkConf conf, int localSlots) {
        String master = conf.get("spark.master", "");
        return slots(conf, localSlots)
                .map(slots -> "Spark master " + master + " has " + slots.count() + slots.source())
                .orElse("Spark master " + master + " names no slot count (spark.cores.max or"
                        + " spark.executor.instances); Spark waits for them");
    }
}
