package org.sparkdistill.jobs;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.jobs.report.ModelProfile;
import org.sparkdistill.jobs.report.ModelProfiler;

/**
 * Profiles a job's teachers and its own networks one after another in this JVM, so that their speeds are measured side
 * by side on the same machine, for {@code metrics.json} and the report.
 */
public final class ModelProfiles {
    private static final Logger LOG = LoggerFactory.getLogger(ModelProfiles.class);

    /** A network of the job's own to profile beside the teachers: a student, or a model evaluated. */
    public record Subject(String name, String role, Model network, long fileBytes) {}

    private ModelProfiles() {}

    /**
     * The teachers' profiles in configuration order, then the subjects' in the order given.
     *
     * @param teachers the job's teachers; none or null when it has none
     * @param dataShape the examples' shape, channels first, which the teachers are loaded for
     */
    public static List<ModelProfile> of(TeacherSpecs teachers, int[] dataShape, Examples heldOut,
            List<Subject> subjects) {
        LOG.info("measuring {} network(s) and {} teacher(s) on {} held-out examples for the report", subjects.size(),
                teachers == null ? 0 : teachers.paths().size(), heldOut.size());
        if (teachers == null || teachers.paths().isEmpty()) {
            return profile(new ModelProfiler(heldOut, null), List.of(), subjects);
        }
        try (TeacherEnsemble ensemble = teachers.load(dataShape)) {
            return profile(new ModelProfiler(heldOut, ensemble), teachers.fileBytes(), subjects);
        }
    }

    private static List<ModelProfile> profile(ModelProfiler profiler, List<Long> teacherBytes, List<Subject> subjects) {
        List<ModelProfile> profiles = new ArrayList<>(profiler.teachers(teacherBytes));
        for (Subject subject : subjects) {
            profiles.add(profiler.network(subject.name(), subject.role(), subject.network(), subject.fileBytes()));
        }
        return profiles;
    }
}
