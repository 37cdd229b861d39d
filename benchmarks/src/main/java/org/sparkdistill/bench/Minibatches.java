package org.sparkdistill.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.train.Batches;

/** Cuts examples into DL4J {@link DataSet} minibatches taken in a given row order; the last one may be smaller. */
final class Minibatches {
    private Minibatches() {}

    /** The minibatches of one pass, built one at a time as they are taken. */
    static Iterator<DataSet> iterator(Examples examples, int[] order, int batchSize) {
        return new Iterator<>() {
            private int from;

            @Override
            public boolean hasNext() {
                return from < order.length;
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("all " + order.length + " rows of " + examples.name() + " taken");
                }
                int to = Math.min(order.length, from + batchSize);
                DataSet batch = new DataSet(Batches.features(examples, order, from, to),
                        Batches.oneHot(examples, order, from, to));
                from = to;
                return batch;
            }
        };
    }

    /** All minibatches of one pass. */
    static List<DataSet> all(Examples examples, int[] order, int batchSize) {
        List<DataSet> batches = new ArrayList<>(order.length / batchSize + 1);
        iterator(examples, order, batchSize).forEachRemaining(batches::add);
        return batches;
    }
}
