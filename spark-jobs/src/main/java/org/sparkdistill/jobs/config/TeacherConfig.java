package org.sparkdistill.jobs.config;

import org.sparkdistill.core.InvalidInputException;

/** One teacher: its model file and its weight in a fixed-weight ensemble. */
public record TeacherConfig(String path, double weight) {
    public static final Range WEIGHT = new Range(0, false, Double.MAX_VALUE, true);
    public static final double DEFAULT_WEIGHT = 1.0;

    public TeacherConfig {
        if (path == null || path.isBlank()) {
            throw new InvalidInputException("teachers[].path is required");
        }
        WEIGHT.require("teachers[].weight", weight);
    }
}
