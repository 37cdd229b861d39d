package org.sparkdistill.jobs;

import java.io.Serializable;
import java.util.List;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherEnsemble;

/** The teachers a job uses: their model files, weights and how the ensemble weighs them. */
public record TeacherSpecs(List<String> paths, double[] weights, EnsembleWeighting weighting) implements Serializable {
    public TeacherSpecs {
        paths = List.copyOf(paths);
        weights = weights.clone();
    }

    /** Combines loaded teachers, in the order of {@link #paths()}, as configured. */
    public TeacherEnsemble ensembleOf(List<? extends Teacher> loaded) {
        return weighting == EnsembleWeighting.FIXED ? TeacherEnsemble.fixed(loaded, weights)
                : TeacherEnsemble.of(loaded, weighting);
    }
}
