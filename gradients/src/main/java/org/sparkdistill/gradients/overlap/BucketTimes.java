package org.sparkdistill.gradients.overlap;

import org.sparkdistill.gradients.partition.BucketPlan;

/**
 * When each bucket of one step's all-reduce ran on the communication thread, in {@link System#nanoTime()} units, how
 * many bytes it carried, and how much processor time the thread spent on it.
 *
 * @param cpuNanos the communication thread's CPU time per bucket, or -1 where the JVM cannot measure it
 */
public record BucketTimes(BucketPlan plan, long[] bytes, long[] startNanos, long[] endNanos, long[] cpuNanos) {

    /** The communication thread's CPU seconds over all buckets, or NaN if they were not measured. */
    public double cpuSeconds() {
        long total = 0;
        for (long cpu : cpuNanos) {
            if (cpu < 0) {
                return Double.NaN;
            }
            total += cpu;
        }
        return total / 1e9;
    }

    /** The seconds bucket {@code b} took. */
    public double seconds(int b) {
        return (endNanos[b] - startNanos[b]) / 1e9;
    }

    /** The seconds all buckets took together. */
    public double totalSeconds() {
        double total = 0;
        for (int b = 0; b < bytes.length; b++) {
            total += seconds(b);
        }
        return total;
    }

    /** The bytes all buckets carried together. */
    public long totalBytes() {
        long total = 0;
        for (long b : bytes) {
            total += b;
        }
        return total;
    }

    /** When the last bucket finished. */
    public long lastEndNanos() {
        long last = Long.MIN_VALUE;
        for (long end : endNanos) {
            last = Math.max(last, end);
        }
        return last;
    }

    /** The seconds of communication that ran after {@code nanos}, for example after the backward pass ended. */
    public double secondsAfter(long nanos) {
        double after = 0;
        for (int b = 0; b < bytes.length; b++) {
            after += Math.max(0, endNanos[b] - Math.max(startNanos[b], nanos)) / 1e9;
        }
        return after;
    }
}
