package org.sparkdistill.jobs.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.train.Batches;

/**
 * How fast a model answers on the machine that measured it: the latency of one example alone, and the throughput of
 * full batches.
 *
 * <p>Both are medians over repeated timings after a warm-up, so one stall of a shared machine does not decide them:
 * {@value #SINGLE_EXAMPLES} single examples, and full batches for at least 0.3 s (at least {@value #MIN_PASSES}, at
 * most {@value #MAX_PASSES} of them).
 *
 * @param millisPerExample median wall time of a forward pass on a batch of one example
 * @param examplesPerSecond median examples per second over passes on batches of {@code batchSize}
 * @param batchSize the batch size of the throughput passes
 */
public record InferenceSpeed(double millisPerExample, double examplesPerSecond, int batchSize) {
    static final int BATCH = 256;
    private static final int SINGLE_EXAMPLES = 64;
    private static final int WARM_UP = 16;
    private static final int MIN_PASSES = 5;
    private static final int MAX_PASSES = 200;
    private static final long MIN_BATCH_NANOS = 300_000_000L;

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
        List<Double> passes = new ArrayList<>();
        long started = System.nanoTime();
        while (passes.size() < MAX_PASSES
                && (passes.size() < MIN_PASSES || System.nanoTime() - started < MIN_BATCH_NANOS)) {
            long start = System.nanoTime();
            forward.apply(features);
            passes.add(batch / ((System.nanoTime() - start) / 1e9));
        }
        double[] rates = passes.stream().mapToDouble(Double::doubleValue).toArray();
        return new InferenceSpeed(median(latencies), median(rates), batch);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
