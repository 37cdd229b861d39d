package org.sparkdistill.jobs.config;

/**
 * One teacher: its model file and its weight in a fixed-weight ensemble.
 *
 * @param path the model file
 * @param weight finite and positive; only {@link org.sparkdistill.core.teacher.EnsembleWeighting#FIXED} uses it
 */
public record TeacherConfig(String path, double weight) {
    static final Field<String> PATH = Field.requiredText("teachers[].path");
    static final Field<Double> WEIGHT = Field.number("teachers[].weight", 1.0, Range.finiteAbove(0));

    /** Checks both components; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public TeacherConfig {
        path = PATH.require(path);
        weight = WEIGHT.require(weight);
    }
}
