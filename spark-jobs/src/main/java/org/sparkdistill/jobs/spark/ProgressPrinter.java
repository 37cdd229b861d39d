package org.sparkdistill.jobs.spark;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.Option;
import scala.Tuple4;
import scala.collection.Seq;

/**
 * Prints the training's progress on the driver as the executors' heartbeats bring it (see
 * {@link ProgressAccumulators}): a line with the epoch, the step out of all, examples per second, the mean loss of the
 * steps since the last line and the time left at the rate so far, whenever rank 0 has taken more steps, and each
 * finished epoch's metrics as they arrive. Executors send running tasks' accumulators with every heartbeat, so the
 * driver also knows roughly how far an attempt got when an executor dies without a word ({@link #highestSteps()}).
 */
public final class ProgressPrinter extends SparkListener {
    private final ProgressAccumulators accumulators;
    private final long fromStep;
    private final int epochs;
    private final long examplesPerStep;
    private final Consumer<String> out;
    private final LongSupplier clock;

    private long steps;
    private long totalSteps;
    private double lossSum;
    private List<?> epochLines = List.of();
    private long printedSteps;
    private double printedLossSum;
    private int printedEpochs;
    private long firstNanos = -1;
    private long firstSteps;

    /**
     * @param fromStep the step the attempt starts after (a resumed one's checkpoint)
     * @param examplesPerStep the examples one step takes over all workers
     * @param clock nanoseconds, for the rate
     */
    public ProgressPrinter(ProgressAccumulators accumulators, long fromStep, int epochs, long examplesPerStep,
            Consumer<String> out, LongSupplier clock) {
        this.accumulators = accumulators;
        this.fromStep = fromStep;
        this.epochs = epochs;
        this.examplesPerStep = examplesPerStep;
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        // (task id, stage id, stage attempt, accumulators); the sequence types differ between Scala 2.12 and 2.13.
        Iterator<Tuple4<?, ?, ?, ? extends Seq<AccumulableInfo>>> tasks =
                ScalaIterators.asJava(update.accumUpdates().iterator());
        while (tasks.hasNext()) {
            observe(tasks.next()._4().iterator());
        }
        report();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo() != null) {
            observe(end.taskInfo().accumulables().iterator());
            report();
        }
    }

    private synchronized void observe(scala.collection.Iterator<AccumulableInfo> infos) {
        while (infos.hasNext()) {
            AccumulableInfo info = infos.next();
            for (Option<Object> value : List.of(info.update(), info.value())) {
                if (value.isEmpty()) {
                    continue;
                }
                Object v = value.get();
                if (info.id() == accumulators.steps().id() && v instanceof Number n) {
                    seen(n.longValue(), 0, 0, List.of());
                } else if (info.id() == accumulators.totalSteps().id() && v instanceof Number n) {
                    seen(0, n.longValue(), 0, List.of());
                } else if (info.id() == accumulators.lossSum().id() && v instanceof Number n) {
                    seen(0, 0, n.doubleValue(), List.of());
                } else if (info.id() == accumulators.epochs().id() && v instanceof List<?> lines) {
                    seen(0, 0, 0, lines);
                }
            }
        }
    }

    /** The most steps rank 0 reported taking in this attempt, as of the last heartbeat or task end. */
    public synchronized long highestSteps() {
        return steps;
    }

    /**
     * Takes what one task reported: the accumulators only grow, and only rank 0 adds to them, so the largest value
     * seen is the latest.
     */
    synchronized void seen(long stepsTaken, long total, double losses, List<?> lines) {
        steps = Math.max(steps, stepsTaken);
        totalSteps = Math.max(totalSteps, total);
        lossSum = Math.max(lossSum, losses);
        if (lines.size() > epochLines.size()) {
            epochLines = List.copyOf(lines);
        }
    }

    /** Prints what is new since the last report. */
    synchronized void report() {
        long now = clock.getAsLong();
        if (steps > printedSteps) {
            if (firstNanos < 0) {
                firstNanos = now;
                firstSteps = steps;
            }
            out.accept(progressLine(now));
            printedLossSum = lossSum;
            printedSteps = steps;
        }
        while (printedEpochs < epochLines.size()) {
            out.accept(String.valueOf(epochLines.get(printedEpochs++)));
        }
    }

    private String progressLine(long now) {
        long step = fromStep + steps;
        StringBuilder line = new StringBuilder("progress: ");
        if (totalSteps > 0) {
            long stepsPerEpoch = Math.max(1, totalSteps / epochs);
            long epoch = Math.min(epochs, (step - 1) / stepsPerEpoch + 1);
            line.append(String.format(Locale.ROOT, "epoch %d/%d, step %d/%d (%.1f%%)", epoch, epochs, step, totalSteps,
                    100.0 * step / totalSteps));
        } else {
            line.append("step ").append(step);
        }
        double seconds = (now - firstNanos) / 1e9;
        double stepsPerSecond = seconds > 0 ? (steps - firstSteps) / seconds : Double.NaN;
        if (!Double.isNaN(stepsPerSecond)) {
            line.append(String.format(Locale.ROOT, ", %,.0f examples/s", stepsPerSecond * examplesPerStep));
        }
        line.append(String.format(Locale.ROOT, ", loss %.4f", (lossSum - printedLossSum) / (steps - printedSteps)));
        if (!Double.isNaN(stepsPerSecond) && stepsPerSecond > 0 && totalSteps > 0) {
            line.append(", ETA ").append(duration((totalSteps - step) / stepsPerSecond));
        }
        return line.toString();
    }

    /** {@code seconds} as "1h 02m", "4m 05s" or "12s". */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60) : s + "s";
    }
}
