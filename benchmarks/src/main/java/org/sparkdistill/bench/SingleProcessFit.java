package org.sparkdistill.bench;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.AsyncDataSetIterator;
import org.sparkdistill.core.data.ShuffleOrder;
import org.sparkdistill.core.train.Batches;

/**
 * Baseline (c): DL4J's own {@code MultiLayerNetwork.fit(DataSetIterator)} in one process, no Spark.
 *
 * <p>Each epoch takes the training rows in a fresh seeded order, in minibatches of the workload's batch size, built
 * on a background thread {@value #PREFETCH} batches ahead of the step ({@link AsyncDataSetIterator}).
 */
public final class SingleProcessFit implements Contender {
    public static final String NAME = "single-process";
    static final int PREFETCH = 2;

    private Workload workload;
    private MultiLayerNetwork network;
    private int epoch;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String settings() {
        return "MultiLayerNetwork.fit(DataSetIterator) in one JVM; batch " + workload.batchSize()
                + ", rows reshuffled every epoch, " + PREFETCH + " batches prefetched";
    }

    @Override
    public void start(Workload workload) {
        this.workload = workload;
        this.network = workload.newStudent();
        this.epoch = 0;
    }

    @Override
    public MultiLayerNetwork trainOneEpoch() {
        int[] order = ShuffleOrder.DEFAULT.epoch(workload.train().size(), workload.seed(), epoch++);
        AsyncDataSetIterator batches = new AsyncDataSetIterator(
                new ExistingDataSetIterator(Minibatches.iterator(workload.train(), order, workload.batchSize())),
                PREFETCH);
        try {
            network.fit(batches);
        } finally {
            batches.shutdown();
        }
        return network;
    }

    @Override
    public void close() {
        network = null;
    }
}
