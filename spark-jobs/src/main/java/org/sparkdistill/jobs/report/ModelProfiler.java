package org.sparkdistill.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.deeplearning4j.nn.api.Model;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherEnsemble;

/**
 * Profiles models for a report on one held-out set: their size, their speed on this machine, and their scores against
 * the labels and the teachers.
 */
public final class ModelProfiler {
    private final Examples heldOut;
    private final TeacherEnsemble teachers;
    private final Evaluator evaluator;

    /** A profiler that scores agreement against {@code teachers}, or against nothing when it is null. */
    public ModelProfiler(Examples heldOut, TeacherEnsemble teachers) {
        this.heldOut = heldOut;
        this.teachers = teachers;
        this.evaluator = teachers == null ? Evaluator.labelsOnly(heldOut) : Evaluator.withTeacher(heldOut, teachers);
    }

    /**
     * Every teacher of the ensemble, in order.
     *
     * @param fileBytes each teacher's model file size, in the ensemble's order
     */
    public List<ModelProfile> teachers(List<Long> fileBytes) {
        List<ModelProfile> profiles = new ArrayList<>();
        if (teachers == null) {
            return profiles;
        }
        for (int k = 0; k < teachers.teachers().size(); k++) {
            Teacher teacher = teachers.teachers().get(k);
            OptionalLong parameters = teacher.parameterCount();
            profiles.add(new ModelProfile(teacher.name(), ModelProfile.TEACHER,
                    parameters.isPresent() ? parameters.getAsLong() : null, fileBytes.get(k),
                    InferenceSpeed.measure(heldOut, teacher::logits), evaluator.score(teacher)));
        }
        return profiles;
    }

    /** A DL4J network, a student or a model evaluated. */
    public ModelProfile network(String name, String role, Model network, long fileBytes) {
        return new ModelProfile(name, role, network.numParams(), fileBytes,
                InferenceSpeed.measure(heldOut, features -> Evaluator.output(network, features)),
                evaluator.score(network));
    }
}
