package org.sparkdistill.it.cluster;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The shape of a standalone cluster: how many workers, what each offers, and how long starting it and running one
 * submission may take.
 *
 * @param workers number of Worker JVMs, in [1, 16]
 * @param coresPerWorker cores each worker offers, in [1, 64]
 * @param memoryPerWorker memory each worker offers to executors, such as {@code 3g} or {@code 1536m}
 * @param startTimeout how long the Master and Workers may take to start and register
 * @param submitTimeout how long one {@code spark-submit} may run
 */
public record ClusterSpec(int workers, int coresPerWorker, String memoryPerWorker, Duration startTimeout,
        Duration submitTimeout) {
    private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]*[mg]");

    public ClusterSpec {
        if (workers < 1 || workers > 16) {
            throw new IllegalArgumentException("workers = " + workers + ": must be in [1, 16]");
        }
        if (coresPerWorker < 1 || coresPerWorker > 64) {
            throw new IllegalArgumentException("coresPerWorker = " + coresPerWorker + ": must be in [1, 64]");
        }
        if (memoryPerWorker == null || !MEMORY.matcher(memoryPerWorker).matches()) {
            throw new IllegalArgumentException("memoryPerWorker = " + memoryPerWorker
                    + ": must be a whole number of megabytes or gigabytes, such as 3g or 1536m");
        }
        requirePositive("startTimeout", startTimeout);
        requirePositive("submitTimeout", submitTimeout);
    }

    /** Two workers with one core and 3 GB each; 2 minutes to start, 10 minutes per submission. */
    public static ClusterSpec defaults() {
        return new ClusterSpec(2, 1, "3g", Duration.ofMinutes(2), Duration.ofMinutes(10));
    }

    public ClusterSpec withWorkers(int count) {
        return new ClusterSpec(count, coresPerWorker, memoryPerWorker, startTimeout, submitTimeout);
    }

    public ClusterSpec withCoresPerWorker(int cores) {
        return new ClusterSpec(workers, cores, memoryPerWorker, startTimeout, submitTimeout);
    }

    public ClusterSpec withMemoryPerWorker(String memory) {
        return new ClusterSpec(workers, coresPerWorker, memory, startTimeout, submitTimeout);
    }

    public ClusterSpec withSubmitTimeout(Duration timeout) {
        return new ClusterSpec(workers, coresPerWorker, memoryPerWorker, startTimeout, timeout);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " = " + value + ": must be a positive duration");
        }
    }
}
