package org.sparkdistill.core.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.data.Examples;

/** Cuts examples into minibatches: the feature and one-hot arrays of a batch, in a given order. */
public final class Batches {
    private Batches() {}

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
