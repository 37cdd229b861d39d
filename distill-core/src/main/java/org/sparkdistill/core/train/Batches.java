package org.sparkdistill.core.train;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.data.Examples;

/** Cuts examples into minibatches: the order of an epoch, and the feature and one-hot arrays of a batch. */
public final class Batches {
    private Batches() {}

    /** A permutation of {@code 0..size-1} that depends only on the seed and the epoch (Fisher–Yates). */
    public static int[] epochOrder(long seed, int epoch, int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Flat features {@code [to - from, D]} of the rows {@code order[from..to)}. */
    public static INDArray features(Examples examples, int[] order, int from, int to) {
        int width = examples.featureCount();
        float[] data = new float[(to - from) * width];
        for (int r = from; r < to; r++) {
            System.arraycopy(examples.features(), order[r] * width, data, (r - from) * width, width);
        }
        return Nd4j.create(data, new long[] {to - from, width}, DataType.FLOAT);
    }

    /** One-hot labels {@code [to - from, C]} of the rows {@code order[from..to)}. */
    public static INDArray oneHot(Examples examples, int[] order, int from, int to) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, to - from, examples.numClasses());
        for (int r = from; r < to; r++) {
            if (examples.labels()[order[r]] == Examples.UNLABELED) {
                examples.requireLabelled("a one-hot label batch");
            }
            labels.putScalar(r - from, examples.labels()[order[r]], 1f);
        }
        return labels;
    }

    /** The identity order {@code 0..size-1}, for passes where order does not matter. */
    public static int[] inOrder(int size) {
        return java.util.stream.IntStream.range(0, size).toArray();
    }
}
