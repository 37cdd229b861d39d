package org.sparkdistill.core.data;

/**
 * One replica's training rows, read a batch at a time in the order of its {@link ShuffleOrder}: held in memory
 * ({@link InMemoryShard}) or spilled to local disk ({@link SpilledShard}); {@link ShardBuilder} chooses by a memory
 * budget.
 *
 * <p>A row is known by its position in the shard, from 0; batches keep those positions, so that per-row data kept
 * elsewhere (cached soft labels) can be found by them. {@link #close()} frees what the shard holds, its spill file
 * included.
 */
public interface Shard extends AutoCloseable {
    /** What the shard is, for messages. */
    String name();

    /** The number of rows. */
    int size();

    /** The shape of one row's features, such as {@code [1, 28, 28]}. */
    int[] shape();

    /** The number of classes. */
    int numClasses();

    /** The order every epoch visits the rows in. */
    ShuffleOrder order();

    /**
     * Refuses a shard with a row that has no label ({@link Examples#UNLABELED}).
     *
     * @param use what needs the labels, for the message
     * @throws org.sparkdistill.core.InvalidInputException naming the first such row
     */
    void requireLabelled(String use);

    /** The number of values in one row: the product of {@link #shape()}. */
    default int featureCount() {
        int count = 1;
        for (int d : shape()) {
            count *= d;
        }
        return count;
    }

    /** The positions of epoch {@code epoch}'s rows in visiting order, for the order's seed {@code seed}. */
    default int[] epochOrder(long seed, int epoch) {
        return order().epoch(size(), seed, epoch);
    }

    /**
     * A reader of epoch {@code epoch}'s rows in the order {@link #epochOrder} gives, from the {@code from}-th on; after
     * the last row it starts the epoch's order again, for replicas whose batches wrap around a smaller shard.
     */
    EpochRows rows(long seed, int epoch, int from);

    /** Frees the shard's memory and deletes its spill file, if any; further use fails. Idempotent. */
    @Override
    void close();

    /** Reads the rows of an epoch batch by batch, in order. Not thread-safe; one thread at a time. */
    interface EpochRows extends AutoCloseable {
        /**
         * Copies the next {@code positions.length} rows, which must be those {@code positions}, into
         * {@code features} (row after row) and {@code labels}.
         */
        void read(int[] positions, float[] features, int[] labels);

        @Override
        void close();
    }
}
