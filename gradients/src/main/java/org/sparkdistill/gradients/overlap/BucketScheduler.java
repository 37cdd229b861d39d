package org.sparkdistill.gradients.overlap;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkdistill.gradients.collective.CollectiveException;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.partition.BucketPlan;
import org.sparkdistill.gradients.partition.GradientLayout;

/**
 * Averages a flat gradient over all ranks in buckets, each all-reduced on one communication thread as soon as the
 * backward pass has made all its layers final, so communication overlaps the rest of the backward pass.
 *
 * <p>A bucket is a view of the flat gradient, never a copy. Layers must be reported in the layout's backward order,
 * so buckets leave in the plan's order on every rank and the ring's messages always match. {@link #finishStep} waits
 * for every bucket, then divides the gradient by the number of ranks. The plan may change only between steps; every
 * rank must make the same change at the same step. One training thread drives a scheduler; {@link #close} stops its
 * communication thread.
 */
public final class BucketScheduler implements AutoCloseable {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** How long {@link #close} waits for the communication thread; it ends within milliseconds of its interrupt. */
    static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
    private final Communicator group;
    private final GradientLayout layout;
    private final INDArray gradient;
    private final ExecutorService communication;
    /** The threads the executor made, so that closing can wait until each has ended, not just the executor. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Future<?>> sent = new ArrayList<>();

    private BucketPlan plan;
    private INDArray[] views;
    private long[] bytes;
    private long[] startNanos;
    private long[] endNanos;
    private long[] cpuNanos;
    private boolean inStep;
    private int nextLayer;
    private int nextBucket;

    /**
     * A scheduler for {@code gradient}, laid out as {@code layout} says, starting with {@code plan}.
     *
     * @param gradient a contiguous vector of {@code layout.totalLength()} elements
     */
    public BucketScheduler(Communicator group, GradientLayout layout, INDArray gradient, BucketPlan plan) {
        if (gradient.length() != layout.totalLength()) {
            throw new IllegalArgumentException("the gradient has " + gradient.length() + " elements, its layout "
                    + layout.totalLength());
        }
        this.group = group;
        this.layout = layout;
        this.gradient = gradient;
        this.communication = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spark-distill all-reduce, rank " + group.rank());
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        });
        setPlan(plan);
    }

    /** The plan in force. */
    public BucketPlan plan() {
        return plan;
    }

    /** Switches to {@code next} from the next step on; only between steps. */
    public void setPlan(BucketPlan next) {
        if (inStep) {
            throw new IllegalStateException("the bucket plan can change only between steps");
        }
        if (next.layers() != layout.layers()) {
            throw new IllegalArgumentException("plan " + next + " covers " + next.layers() + " layers, the gradient has "
                    + layout.layers());
        }
        INDArray flat = gradient.reshape(gradient.length());
        views = new INDArray[next.buckets()];
        bytes = new long[next.buckets()];
        for (int b = 0; b < next.buckets(); b++) {
            long from = layout.rangeOffset(next.first(b), next.last(b));
            long length = layout.rangeLength(next.first(b), next.last(b));
            views[b] = flat.get(NDArrayIndex.interval(from, from + length));
            bytes[b] = layout.rangeBytes(next.first(b), next.last(b));
        }
        plan = next;
    }

    /** Starts a step: no layer is final yet. */
    public void beginStep() {
        if (inStep) {
            throw new IllegalStateException("a step is already running; finish it first");
        }
        inStep = true;
        nextLayer = 0;
        nextBucket = 0;
        sent.clear();
        startNanos = new long[plan.buckets()];
        endNanos = new long[plan.buckets()];
        cpuNanos = new long[plan.buckets()];
    }

    /** Layer {@code k} (backward order) is final; sends its bucket if it was the bucket's last layer. */
    public void layerReady(int k) {
        if (!inStep) {
            throw new IllegalStateException("layer " + k + " reported ready outside a step");
        }
        if (k != nextLayer) {
            throw new IllegalStateException("layer " + k + " reported ready, expected layer " + nextLayer
                    + ": layers must be reported once each, in backward order");
        }
        nextLayer++;
        if (k == plan.last(nextBucket)) {
            send(nextBucket++);
        }
    }

    /**
     * Sends the buckets not yet sent, waits for all, divides the gradient by the number of ranks and ends the step.
     *
     * @throws CollectiveException if an all-reduce failed; the step is over and the gradient is not usable
     */
    public BucketTimes finishStep() {
        if (!inStep) {
            throw new IllegalStateException("no step is running");
        }
        try {
            while (nextBucket < plan.buckets()) {
                send(nextBucket++);
            }
            for (Future<?> bucket : sent) {
                bucket.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("interrupted while waiting for the gradient all-reduce", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CollectiveException("the gradient all-reduce failed: " + cause, cause);
        } finally {
            inStep = false;
        }
        if (group.size() > 1 && gradient.length() > 0) {
            gradient.divi(group.size());
        }
        return new BucketTimes(plan, bytes.clone(), startNanos, endNanos, cpuNanos);
    }

    private void send(int b) {
        INDArray view = views[b];
        long[] starts = startNanos;
        long[] ends = endNanos;
        long[] cpu = cpuNanos;
        sent.add(communication.submit(() -> {
            long cpuBefore = THREADS.getCurrentThreadCpuTime();
            starts[b] = System.nanoTime();
            group.allReduceSum(view);
            ends[b] = System.nanoTime();
            cpu[b] = cpuBefore < 0 ? -1 : THREADS.getCurrentThreadCpuTime() - cpuBefore;
        }));
    }

    /**
     * Stops the communication thread and waits until it has ended, even when the calling thread is interrupted (as
     * when its task is cancelled; it stays interrupted). A step still running fails.
     *
     * @throws IllegalStateException if the thread has not ended within {@link #STOP_TIMEOUT}
     */
    @Override
    public void close() {
        communication.shutdownNow();
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (communicationEnded(deadline)) {
                        return;
                    }
                    throw new IllegalStateException("the all-reduce thread of rank " + group.rank()
                            + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s of being interrupted");
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether the executor has terminated and its thread has ended by {@code deadline}: an executor counts as
     * terminated a moment before its last thread is gone.
     */
    private boolean communicationEnded(long deadline) throws InterruptedException {
        if (!communication.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
