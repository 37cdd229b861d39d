package org.sparkdistill.jobs.report;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.train.Batches;

/**
 * How fast a model answers on the machine that measured it: the latency of one example alone, and the throughput of
 * full batches.
 *
 * <p>Both are medians over repeated timings after a warm-up, so one stall of a shared machine does not decide them.
 *
 * @param millisPerExample median wall time of a forward pass on a batch of one example
 * @param examplesPerSecond median examples per second over passes on batches of {@code batchSize}
 * @param batchSize the batch size of the throughput passes
 */
public record InferenceSpeed(double millisPerExample, double examplesPerSecond, int batchSize) {
    static final int BATCH = 256;
    private static final int SINGLE_EXAMPLES = 64;
    private static final int WARM_UP = 8;
    private static final int BATCH_PASSES = 5;

    /** Times {@code forward} on the first examples of {@code examples}. */
    public static InferenceSpeed measure(Examples examples, UnaryOperator<INDArray> forward) {
        int[] order = Batches.inOrder(examples.size());
        int singles = Math.min(SINGLE_EXAMPLES, examples.size());
        for (int i = 0; i < Math.min(WARM_UP, singles); i++) {
            forward.apply(Batches.features(examples, order, i, i + 1));
        }
        double[] latencies = new double[singles];
        for (int i = 0; i < singles; i++) {
            INDArray one = Batches.features(examples, order, i, i + 1);
            long start = System.nanoTime();
            forward.apply(one);
            latencies[i] = (System.nanoTime() - start) / 1e6;
        }
        int batch = Math.min(BATCH, examples.size());
        INDArray features = Batches.features(examples, order, 0, batch);
        forward.apply(features);
        double[] rates = new double[BATCH_PASSES];
        for (int pass = 0; pass < BATCH_PASSES; pass++) {
            long start = System.nanoTime();
            forward.apply(features);
            rates[pass] = batch / ((System.nanoTime() - start) / 1e9);
        }
        return new InferenceSpeed(median(latencies), median(rates), batch);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
