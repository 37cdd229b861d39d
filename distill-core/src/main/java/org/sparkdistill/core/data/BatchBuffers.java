package org.sparkdistill.core.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Off-heap arrays for minibatches, reused from batch to batch: a set holds a batch's features {@code [n, D]} and one-hot
 * labels {@code [n, C]}. Sets are made when no free set of the
 * size asked for is left, so there are as many as the pipeline holds at once, and given back after the student step.
 *
 * <p>{@link #close()} frees every set's memory, whether or not it was given back; a set given back afterwards is
 * ignored. Thread-safe.
 */
public final class BatchBuffers implements AutoCloseable {
    private final int featureCount;
    private final int numClasses;
    private final Map<Integer, ArrayDeque<Set>> free = new HashMap<>();
    private final List<Set> all = new ArrayList<>();
    private boolean closed;

    public BatchBuffers(int featureCount, int numClasses) {
        if (featureCount < 1 || numClasses < 2) {
            throw new IllegalArgumentException("batch buffers need at least 1 feature and 2 classes, got "
                    + featureCount + " and " + numClasses);
        }
        this.featureCount = featureCount;
        this.numClasses = numClasses;
    }

    /** A free set for {@code rows} rows, made if none is free. */
    public synchronized Set acquire(int rows) {
        if (closed) {
            throw new IllegalStateException("the batch buffers are closed");
        }
        if (rows < 1) {
            throw new IllegalArgumentException("a batch needs at least one row, got " + rows);
        }
        ArrayDeque<Set> sets = free.get(rows);
        if (sets != null && !sets.isEmpty()) {
            return sets.removeFirst();
        }
        Set set;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            set = new Set(rows, Nd4j.create(DataType.FLOAT, rows, featureCount),
                    Nd4j.create(DataType.FLOAT, rows, numClasses));
        }
        all.add(set);
        return set;
    }

    /** How many sets have been made. */
    public synchronized int allocated() {
        return all.size();
    }

    private synchronized void release(Set set) {
        if (!closed) {
            free.computeIfAbsent(set.rows, r -> new ArrayDeque<>()).addLast(set);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Set set : all) {
            set.features.close();
            set.labels.close();
        }
        all.clear();
        free.clear();
    }

    /** The arrays of one batch; valid until given back with {@link #release()}. */
    public final class Set {
        private final int rows;
        private final INDArray features;
        private final INDArray labels;

        private Set(int rows, INDArray features, INDArray labels) {
            this.rows = rows;
            this.features = features;
            this.labels = labels;
        }

        public INDArray features() {
            return features;
        }

        public INDArray labels() {
            return labels;
        }

        /** Gives the set back for a later batch. */
        public void release() {
            BatchBuffers.this.release(this);
        }
    }
}
