package org.sparkdistill.core.data;

import java.util.List;
import org.sparkdistill.core.InvalidInputException;

/**
 * A shard held on the heap in chunks of equally many rows (the last chunk may be partly filled), so that it can be
 * collected row by row without copying what it holds into ever larger arrays. Reads copy rows by position; safe to
 * read from several threads.
 */
public final class InMemoryShard extends AbstractShard {
    private final int chunkRows;
    private float[][] features;
    private int[][] labels;

    /**
     * @param size the rows of the shard, from the start of the first chunk; rows beyond it are not part of the shard
     * @param featureChunks per chunk, its features: {@code chunkRows × D} values
     * @param labelChunks per chunk, its labels: {@code chunkRows} values
     */
    InMemoryShard(String name, int[] shape, int numClasses, ShuffleOrder order, int size, long firstUnlabeled,
            int chunkRows, List<float[]> featureChunks, List<int[]> labelChunks) {
        super(name, shape, numClasses, order, size, firstUnlabeled);
        this.chunkRows = chunkRows;
        this.features = featureChunks.toArray(new float[0][]);
        this.labels = labelChunks.toArray(new int[0][]);
    }

    /** The examples as a shard visited in {@code order}, sharing their arrays (one chunk). */
    public static InMemoryShard of(Examples examples, ShuffleOrder order) {
        int[] labels = examples.labels();
        int firstUnlabeled = java.util.stream.IntStream.range(0, labels.length)
                .filter(i -> labels[i] == Examples.UNLABELED).findFirst().orElse(-1);
        return new InMemoryShard(examples.name(), examples.shape(), examples.numClasses(), order, examples.size(),
                firstUnlabeled, Math.max(1, examples.size()), List.of(examples.features()), List.of(labels));
    }

    /** The examples as a shard visited in the {@link ShuffleOrder#DEFAULT default order}, sharing their arrays. */
    public static InMemoryShard of(Examples examples) {
        return of(examples, ShuffleOrder.DEFAULT);
    }

    /** Reads by position: the order need not be replayed to reach row {@code from}. */
    @Override
    public EpochRows rows(long seed, int epoch, int from) {
        if (features == null) {
            throw new IllegalStateException(this + " is closed");
        }
        return new EpochRows() {
            @Override
            public void read(int[] positions, float[] out, int[] outLabels) {
                copy(positions, out, outLabels);
            }

            @Override
            public void close() {}
        };
    }

    private void copy(int[] positions, float[] out, int[] outLabels) {
        float[][] chunks = features;
        if (chunks == null) {
            throw new IllegalStateException(this + " is closed");
        }
        int width = featureCount();
        for (int i = 0; i < positions.length; i++) {
            int p = positions[i];
            if (p < 0 || p >= size()) {
                throw new InvalidInputException(name() + ": row " + p + " is outside [0, " + (size() - 1) + "]");
            }
            int chunk = p / chunkRows;
            int offset = p % chunkRows;
            System.arraycopy(chunks[chunk], offset * width, out, i * width, width);
            outLabels[i] = labels[chunk][offset];
        }
    }

    @Override
    public void close() {
        features = null;
        labels = null;
    }

    @Override
    String where() {
        return "in memory";
    }
}
