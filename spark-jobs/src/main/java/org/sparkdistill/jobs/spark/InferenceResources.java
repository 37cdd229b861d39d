package org.sparkdistill.jobs.spark;

import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.resource.ExecutorResourceRequests;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.sparkdistill.core.InvalidInputException;

/**
 * What the tasks of {@code teacher-infer} ask of Spark: {@code cache.taskCpus} cores and {@code cache.taskGpus}
 * GPUs each, as a stage-level scheduling resource profile on the inference stage.
 *
 * <p>What Spark 3.5 allows, by cluster manager and dynamic allocation ({@code ResourceProfileManager.isSupported}):
 * <ul>
 *   <li>standalone, YARN or Kubernetes, dynamic allocation off: a task resource profile. The inference tasks take
 *       the given cores and GPUs from the executors the application already has (those of the default profile),
 *       which must hold that much: {@code spark.executor.cores} and {@code spark.executor.resource.gpu.amount}.
 *   <li>standalone, YARN or Kubernetes, dynamic allocation on: a profile with executor requests too, for which Spark
 *       starts executors of their own: {@code spark.executor.cores} cores when set, else room for the tasks that
 *       share one GPU ({@code taskCpus × ⌊1 / taskGpus⌋} for a fraction, {@code taskCpus} otherwise), and
 *       {@code ⌈taskGpus⌉} GPUs found by {@code spark.executor.resource.gpu.discoveryScript} (with
 *       {@code spark.executor.resource.gpu.vendor} on Kubernetes); memory as the default executors.
 *   <li>local mode: no profile. Every task runs in the driver's JVM and Spark refuses stage-level scheduling there,
 *       so the settings are not applied; the plan says so.
 * </ul>
 */
public final class InferenceResources {
    private InferenceResources() {}

    /**
     * The profile to give the inference stage, or none, and why.
     *
     * @param profile null when the stage keeps the default profile
     * @param description what the stage asks for, or why it asks for nothing, for the log and the command's output
     */
    public record Plan(ResourceProfile profile, String description) {}

    /**
     * The plan for a Spark application configured by {@code conf}.
     *
     * @throws InvalidInputException when the executors of a cluster without dynamic allocation are configured too
     *     small for one inference task
     */
    public static Plan plan(SparkConf conf, int taskCpus, double taskGpus) {
        String master = conf.get("spark.master", "local[*]");
        String wanted = describe(taskCpus, taskGpus);
        boolean cluster = master.startsWith("spark://") || master.startsWith("local-cluster") || master.equals("yarn")
                || master.startsWith("k8s://");
        if (!cluster) {
            return new Plan(null, "cache.taskCpus and cache.taskGpus (" + wanted + ") are not applied: Spark master "
                    + master + " does not support stage-level scheduling (standalone, YARN and Kubernetes do)");
        }
        TaskResourceRequests task = new TaskResourceRequests().cpus(taskCpus);
        if (taskGpus > 0) {
            task.resource("gpu", taskGpus);
        }
        ResourceProfileBuilder builder = new ResourceProfileBuilder().require(task);
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            builder.require(executorRequests(conf, taskCpus, taskGpus));
            return new Plan(builder.build(), "executors of their own (dynamic allocation), tasks of " + wanted);
        }
        requireExecutorsFit(conf, taskCpus, taskGpus);
        return new Plan(builder.build(), "tasks of " + wanted + " on the application's executors");
    }

    private static ExecutorResourceRequests executorRequests(SparkConf conf, int taskCpus, double taskGpus) {
        int tasksPerGpu = taskGpus > 0 && taskGpus < 1 ? (int) Math.floor(1 / taskGpus) : 1;
        int cores = conf.contains("spark.executor.cores") ? conf.getInt("spark.executor.cores", taskCpus)
                : taskCpus * tasksPerGpu;
        if (cores < taskCpus) {
            throw new InvalidInputException("cache.taskCpus = " + taskCpus + " needs executors of at least " + taskCpus
                    + " cores, but spark.executor.cores = " + cores);
        }
        ExecutorResourceRequests executor = new ExecutorResourceRequests().cores(cores);
        if (taskGpus > 0) {
            executor.resource("gpu", (long) Math.ceil(taskGpus),
                    conf.get("spark.executor.resource.gpu.discoveryScript", ""),
                    conf.get("spark.executor.resource.gpu.vendor", ""));
        }
        return executor;
    }

    /** Without dynamic allocation the inference tasks run on the default executors, which must be large enough. */
    private static void requireExecutorsFit(SparkConf conf, int taskCpus, double taskGpus) {
        if (conf.contains("spark.executor.cores") && conf.getInt("spark.executor.cores", 1) < taskCpus) {
            throw new InvalidInputException("cache.taskCpus = " + taskCpus + " needs executors of at least " + taskCpus
                    + " cores, but spark.executor.cores = " + conf.get("spark.executor.cores")
                    + "; an inference task would never be scheduled");
        }
        double gpus = conf.getDouble("spark.executor.resource.gpu.amount", 0);
        if (taskGpus > 0 && gpus < Math.ceil(taskGpus)) {
            throw new InvalidInputException("cache.taskGpus = " + taskGpus + " needs executors with at least "
                    + (long) Math.ceil(taskGpus) + " GPU(s), but spark.executor.resource.gpu.amount "
                    + (conf.contains("spark.executor.resource.gpu.amount")
                            ? "= " + conf.get("spark.executor.resource.gpu.amount") : "is not set")
                    + "; see cluster-conf/spark-defaults-gpu.conf");
        }
    }

    private static String describe(int taskCpus, double taskGpus) {
        return taskCpus + (taskCpus == 1 ? " cpu" : " cpus") + (taskGpus > 0
                ? String.format(Locale.ROOT, " and %s gpu", taskGpus == Math.rint(taskGpus)
                        ? String.valueOf((long) taskGpus) : String.valueOf(taskGpus)) : "");
    }
}
