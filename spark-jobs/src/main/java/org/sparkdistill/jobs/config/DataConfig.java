package org.sparkdistill.jobs.config;

/**
 * Where the examples come from.
 *
 * @param train IDX directory, Parquet directory written by {@code prepare}, or CSV file
 * @param test held-out data, or null to let the job choose (the test files of an IDX training directory)
 * @param limit use the first {@code limit} training rows; 0 uses all
 */
public record DataConfig(String train, String test, int limit) {
    static final Field<String> TRAIN = Field.requiredText("data.train");
    static final Field<String> TEST = Field.text("data.test", null);
    static final Field<Integer> LIMIT = Field.integer("data.limit", 0, Range.closed(0, Integer.MAX_VALUE));

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public DataConfig {
        train = TRAIN.require(train);
        test = TEST.require(test);
        limit = LIMIT.require(limit);
    }
}
