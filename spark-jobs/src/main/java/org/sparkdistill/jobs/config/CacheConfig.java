package org.sparkdistill.jobs.config;

/**
 * The soft-label cache: where {@code teacher-infer} writes the teachers' logits and {@code distill} reads them, how
 * much of each row it keeps, and what each inference task asks of Spark. The hint outputs it keeps too are each
 * teacher's {@code hints}.
 *
 * @param path the cache directory; when set, {@code distill} takes soft labels from it instead of running the
 *     teachers on the training data; null means no cache
 * @param topK the largest logits kept per row and teacher, with the log-sum-exp of the rest; k ≥ C keeps all
 * @param taskCpus cores each inference task takes (Spark stage-level scheduling)
 * @param taskGpus GPUs each inference task takes; a fraction at most 0.5 shares one GPU among 1/amount tasks
 */
public record CacheConfig(String path, int topK, int taskCpus, double taskGpus) {
    static final Field<String> PATH = Field.text("cache.path", null);
    static final Field<Integer> TOP_K = Field.integer("cache.topK", 5, Range.closed(1, Integer.MAX_VALUE));
    static final Field<Integer> TASK_CPUS = Field.integer("cache.taskCpus", 1, Range.closed(1, 1024));
    static final Field<Double> TASK_GPUS = Field.numberAccepted("cache.taskGpus", 0.0, Range.closed(0, 1024),
            CacheConfig::requireGpuAmount);

    /** No cache, and the defaults for a cache given by {@code path} alone. */
    public static final CacheConfig DEFAULT = new CacheConfig(PATH.fallback(), TOP_K.fallback(), TASK_CPUS.fallback(),
            TASK_GPUS.fallback());

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public CacheConfig {
        path = PATH.require(path);
        topK = TOP_K.require(topK);
        taskCpus = TASK_CPUS.require(taskCpus);
        taskGpus = TASK_GPUS.require(taskGpus);
    }

    /** Spark's rule for a task resource amount: a whole number, or a fraction of one resource shared by several tasks. */
    private static void requireGpuAmount(double amount) {
        if (amount > 0.5 && amount != Math.rint(amount)) {
            throw new IllegalArgumentException("must be at most 0.5 or a whole number (Spark shares one GPU among"
                    + " the tasks that each take a fraction of it)");
        }
    }
}
