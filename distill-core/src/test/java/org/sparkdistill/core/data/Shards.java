package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.Random;

/** Small seeded shards for the shard tests. */
final class Shards {
    static final int[] SHAPE = {3, 2};
    static final int CLASSES = 4;
    static final ShuffleOrder ORDER = new ShuffleOrder(8, 20);

    private Shards() {}

    /** {@code rows} rows of random features and labels, from {@code seed}. */
    static Examples examples(int rows, long seed) {
        Random random = new Random(seed);
        float[] features = new float[rows * 6];
        int[] labels = new int[rows];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        return new Examples("rows", features, labels, SHAPE, CLASSES);
    }

    /** The examples fed row by row to a builder with {@code budget} bytes, in {@code spillDirectory}. */
    static Shard build(Examples examples, ShuffleOrder order, long budget, Path spillDirectory) {
        try (ShardBuilder builder = new ShardBuilder("rows", examples.shape(), examples.numClasses(), order, budget,
                spillDirectory)) {
            for (int i = 0; i < examples.size(); i++) {
                builder.add(examples.row(i), examples.labels()[i]);
            }
            return builder.build();
        }
    }

    /** Reads epoch {@code epoch} of {@code shard} in one batch and checks it holds {@code examples}' rows in order. */
    static void assertReadsEpochInOrder(Examples examples, Shard shard, long seed, int epoch) {
        int[] order = shard.epochOrder(seed, epoch);
        float[] features = new float[examples.size() * examples.featureCount()];
        int[] labels = new int[examples.size()];
        try (Shard.EpochRows rows = shard.rows(seed, epoch, 0)) {
            rows.read(order, features, labels);
        }
        assertArrayEquals(examples.select(order).features(), features);
        assertArrayEquals(examples.select(order).labels(), labels);
    }
}
