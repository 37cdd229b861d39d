package org.sparkdistill.jobs.config;

import org.sparkdistill.core.InvalidInputException;

/**
 * Where the examples come from.
 *
 * @param train IDX directory or Parquet directory written by {@code prepare}
 * @param test held-out data, or null for the test files of an IDX training directory
 * @param limit use the first {@code limit} training rows; 0 uses all
 */
public record DataConfig(String train, String test, int limit) {
    public static final Range LIMIT = Range.closed(0, Integer.MAX_VALUE);

    public DataConfig {
        if (train == null || train.isBlank()) {
            throw new InvalidInputException("data.train is required");
        }
        LIMIT.require("data.limit", limit);
    }
}
