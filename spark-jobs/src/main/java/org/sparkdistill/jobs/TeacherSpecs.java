package org.sparkdistill.jobs;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparkdistill.core.teacher.Dl4jTeacher;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherEnsemble;

/** The teachers a job uses: their model files, weights and how the ensemble weighs them. */
public record TeacherSpecs(List<String> paths, double[] weights, EnsembleWeighting weighting) implements Serializable {
    public TeacherSpecs {
        paths = List.copyOf(paths);
        weights = weights.clone();
    }

    /**
     * Loads the teachers from their model zips, given in the order of {@link #paths()}, and combines them as
     * configured. If combining fails, the teachers already loaded are closed before the error propagates.
     */
    public TeacherEnsemble load(List<byte[]> zips) {
        List<Dl4jTeacher> loaded = new ArrayList<>();
        try {
            for (int k = 0; k < paths.size(); k++) {
                String path = paths.get(k);
                loaded.add(Dl4jTeacher.read(Path.of(path).getFileName().toString(), zips.get(k), path));
            }
            return weighting == EnsembleWeighting.FIXED ? TeacherEnsemble.fixed(loaded, weights)
                    : TeacherEnsemble.of(loaded, weighting);
        } catch (RuntimeException e) {
            loaded.forEach(Teacher::close);
            throw e;
        }
    }
}
