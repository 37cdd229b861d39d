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

/** Profiles a job's teachers and one network of its own, on the driver, for {@code metrics.json} and the report. */
public final class ModelProfiles {
    private static final Logger LOG = LoggerFactory.getLogger(ModelProfiles.class);

    private ModelProfiles() {}

    /**
     * The teachers' profiles in configuration order, then the network's.
     *
     * @param teachers the job's teachers; none or null when it has none
     * @param dataShape the examples' shape, channels first, which the teachers are loaded for
     */
    public static List<ModelProfile> of(TeacherSpecs teachers, int[] dataShape, Examples heldOut, String name,
            String role, Model network, long fileBytes) {
        LOG.info("measuring {} and {} teacher(s) on {} held-out examples for the report", name,
                teachers == null ? 0 : teachers.paths().size(), heldOut.size());
        List<ModelProfile> profiles = new ArrayList<>();
        if (teachers == null || teachers.paths().isEmpty()) {
            profiles.add(new ModelProfiler(heldOut, null).network(name, role, network, fileBytes));
            return profiles;
        }
        try (TeacherEnsemble ensemble = teachers.load(dataShape)) {
            ModelProfiler profiler = new ModelProfiler(heldOut, ensemble);
            profiles.addAll(profiler.teachers(teachers.fileBytes()));
            profiles.add(profiler.network(name, role, network, fileBytes));
        }
        return profiles;
    }
}
