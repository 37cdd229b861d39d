package org.sparkdistill.jobs.report;

import org.sparkdistill.core.metrics.HeldOutScores;

/**
 * One model as a report compares it: what it costs to keep and run, and how well it does on held-out data.
 *
 * @param role {@value #TEACHER}, {@value #STUDENT} or {@value #MODEL} (a model {@code evaluate} measured)
 * @param parameters trained values it holds; null when its format does not say
 * @param fileBytes size of its model file
 */
public record ModelProfile(String name, String role, Long parameters, long fileBytes, InferenceSpeed speed,
                           HeldOutScores scores) {
    public static final String TEACHER = "teacher";
    public static final String STUDENT = "student";
    public static final String MODEL = "model";

    /** This profile under another name. */
    public ModelProfile named(String other) {
        return new ModelProfile(other, role, parameters, fileBytes, speed, scores);
    }

    boolean isTeacher() {
        return role.equals(TEACHER);
    }
}
