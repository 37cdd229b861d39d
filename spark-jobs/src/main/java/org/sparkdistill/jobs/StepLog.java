package org.sparkdistill.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.train.EpochListener;
import org.sparkdistill.core.train.StepListener;
import org.sparkdistill.jobs.spark.ProgressAccumulators;

/**
 * Rank 0's record of its training, as it happens: each step and each epoch go into the accumulators the driver reads
 * its progress from, and each step into the records {@code steps.jsonl} is written from. Not thread-safe; the trainer
 * calls it from its one thread.
 */
final class StepLog implements StepListener, EpochListener {
    private final ProgressAccumulators progress;
    private final long started = System.nanoTime();
    private final List<StepRecord> records = new ArrayList<>();

    /** A log for a run of {@code totalSteps} steps in all. */
    StepLog(ProgressAccumulators progress, long totalSteps) {
        this.progress = progress;
        progress.totalSteps().add(totalSteps);
    }

    @Override
    public void onStep(long step, int epoch, double loss) {
        records.add(new StepRecord(step, epoch + 1, loss, (System.nanoTime() - started) / 1e9));
        progress.lossSum().add(loss);
        progress.steps().add(1);
    }

    @Override
    public void onEpoch(EpochMetrics metrics) {
        progress.epochs().add(describe(metrics));
    }

    /** The steps recorded so far. */
    List<StepRecord> records() {
        return List.copyOf(records);
    }

    /** One line for the driver to print when the epoch's metrics reach it. */
    static String describe(EpochMetrics metrics) {
        String line = String.format(Locale.ROOT, "epoch %d done at step %d: held-out accuracy %.2f%%, mean training loss"
                + " %.4f, ECE %.2f%%", metrics.epoch(), metrics.step(), 100 * metrics.accuracy(), metrics.trainLoss(),
                100 * metrics.ece());
        if (!Double.isNaN(metrics.agreement())) {
            line += String.format(Locale.ROOT, ", teacher agreement %.2f%%", 100 * metrics.agreement());
        }
        return line + String.format(Locale.ROOT, " (%.1f s)", metrics.seconds());
    }
}
