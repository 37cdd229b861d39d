package org.sparkdistill.bench;

import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.train.Batches;
import org.sparkdistill.jobs.spark.ExampleFrames;

/** Turns one partition of an example table ({@link ExampleFrames#SCHEMA}) into minibatches, in the partition's order. */
final class RowsToMinibatches implements FlatMapFunction<Iterator<Row>, DataSet> {
    private static final long serialVersionUID = 1L;

    private final int[] shape;
    private final int numClasses;
    private final int batchSize;

    RowsToMinibatches(int[] shape, int numClasses, int batchSize) {
        this.shape = shape.clone();
        this.numClasses = numClasses;
        this.batchSize = batchSize;
    }

    @Override
    public Iterator<DataSet> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return java.util.Collections.emptyIterator();
        }
        Examples partition = ExampleFrames.fromRows("training partition", rows, shape, numClasses);
        return Minibatches.iterator(partition, Batches.inOrder(partition.size()), batchSize);
    }
}
