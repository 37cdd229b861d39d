package org.sparkdistill.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.core.metrics.Evaluator;

/**
 * Trains one contender epoch by epoch until its test accuracy reaches the target or the epoch limit is hit.
 *
 * <p>Only {@link Contender#trainOneEpoch} runs on the training clock; setup and evaluation are timed apart.
 */
public final class Trial {
    private final Workload workload;
    private final Evaluator evaluator;
    private final double target;
    private final int maxEpochs;
    private final PrintStream progress;

    /** A trial against {@code evaluator}'s held-out examples; progress lines go to {@code progress}. */
    public Trial(Workload workload, Evaluator evaluator, double target, int maxEpochs, PrintStream progress) {
        this.workload = workload;
        this.evaluator = evaluator;
        this.target = target;
        this.maxEpochs = maxEpochs;
        this.progress = progress;
    }

    /** Starts, trains and closes {@code contender}. */
    public TrialResult run(Contender contender) {
        try (contender) {
            long startBegan = System.nanoTime();
            contender.start(workload);
            double setupSeconds = secondsSince(startBegan);
            String settings = contender.settings();
            progress.printf(Locale.ROOT, "%s: ready in %.1f s; %s%n", contender.name(), setupSeconds, settings);
            List<EpochRecord> epochs = new ArrayList<>();
            double clock = 0;
            for (int epoch = 1; epoch <= maxEpochs; epoch++) {
                long trainBegan = System.nanoTime();
                MultiLayerNetwork model = contender.trainOneEpoch();
                double trainSeconds = secondsSince(trainBegan);
                clock += trainSeconds;
                long evalBegan = System.nanoTime();
                double accuracy = evaluator.evaluate(model, epoch, 0, Double.NaN, clock).accuracy();
                double evalSeconds = secondsSince(evalBegan);
                EpochRecord record = new EpochRecord(epoch, trainSeconds, clock, evalSeconds, accuracy);
                epochs.add(record);
                progress.printf(Locale.ROOT, "%s: epoch %d trained in %.1f s (%.1f s in all), test accuracy %.2f%% "
                        + "(evaluated in %.1f s)%n", contender.name(), epoch, trainSeconds, clock, 100 * accuracy,
                        evalSeconds);
                if (accuracy >= target) {
                    break;
                }
            }
            return new TrialResult(contender.name(), settings, target, setupSeconds, epochs);
        }
    }

    private static double secondsSince(long began) {
        return (System.nanoTime() - began) / 1e9;
    }
}
