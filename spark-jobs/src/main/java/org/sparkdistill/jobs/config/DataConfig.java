package org.sparkdistill.jobs.config;

import org.sparkdistill.core.data.ShuffleOrder;

/**
 * Where the examples come from.
 *
 * @param train IDX directory, Parquet directory written by {@code prepare}, or CSV file
 * @param test held-out data, or null to let the job choose (the test files of an IDX training directory)
 * @param limit use the first {@code limit} training rows; 0 uses all
 * @param shardMemory bytes of its shard a replica keeps in memory before it spills the shard to the executor's local
 *     disk; null for a quarter of the executor's heap shared among its task slots
 * @param shuffleBlock rows per block of the epoch order, read from a spilled shard in one piece
 * @param shuffleBuffer rows in the shuffle buffer of the epoch order
 */
public record DataConfig(String train, String test, int limit, Long shardMemory, int shuffleBlock,
                         int shuffleBuffer) {
    static final Field<String> TRAIN = Field.requiredText("data.train");
    static final Field<String> TEST = Field.text("data.test", null);
    static final Field<Integer> LIMIT = Field.integer("data.limit", 0, Range.closed(0, Integer.MAX_VALUE));
    static final Field<Long> SHARD_MEMORY = Field.bytes("data.shardMemory");
    static final Field<Integer> SHUFFLE_BLOCK = Field.integer("data.shuffleBlock", ShuffleOrder.DEFAULT_BLOCK_ROWS,
            Range.closed(1, Integer.MAX_VALUE));
    static final Field<Integer> SHUFFLE_BUFFER = Field.integer("data.shuffleBuffer", ShuffleOrder.DEFAULT_BUFFER_ROWS,
            Range.closed(1, Integer.MAX_VALUE));

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public DataConfig {
        train = TRAIN.require(train);
        test = TEST.require(test);
        limit = LIMIT.require(limit);
        shardMemory = SHARD_MEMORY.require(shardMemory);
        shuffleBlock = SHUFFLE_BLOCK.require(shuffleBlock);
        shuffleBuffer = SHUFFLE_BUFFER.require(shuffleBuffer);
    }

    /** Data with the default shard memory and shuffle order. */
    public DataConfig(String train, String test, int limit) {
        this(train, test, limit, null, ShuffleOrder.DEFAULT_BLOCK_ROWS, ShuffleOrder.DEFAULT_BUFFER_ROWS);
    }

    /** The order every epoch visits a shard's rows in. */
    public ShuffleOrder shuffleOrder() {
        return new ShuffleOrder(shuffleBlock, shuffleBuffer);
    }
}
