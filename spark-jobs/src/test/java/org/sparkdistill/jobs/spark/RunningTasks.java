package org.sparkdistill.jobs.spark;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Counts the tasks of a Spark context that have started and not ended, so that a test can wait for the tasks a failed
 * job leaves running: a job fails as soon as one task does, while Spark kills the stage's other tasks asynchronously.
 */
public final class RunningTasks extends SparkListener implements AutoCloseable {
    private final SparkContext context;
    private int running;

    private RunningTasks(SparkContext context) {
        this.context = context;
    }

    /** Starts counting the tasks {@code context} starts from now on. */
    public static RunningTasks track(SparkContext context) {
        RunningTasks tasks = new RunningTasks(context);
        context.addSparkListener(tasks);
        return tasks;
    }

    @Override
    public synchronized void onTaskStart(SparkListenerTaskStart start) {
        running++;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        running--;
        notifyAll();
    }

    /** Waits until every task started since {@link #track} has ended, for at most {@code timeout}. */
    public void awaitNone(Duration timeout) throws InterruptedException, TimeoutException {
        context.listenerBus().waitUntilEmpty(timeout.toMillis());
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException(running + " tasks still running after " + timeout);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() {
        context.removeSparkListener(this);
    }
}
