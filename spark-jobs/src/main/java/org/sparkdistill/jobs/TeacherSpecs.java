package org.sparkdistill.jobs;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.teacher.Dl4jTeacher;
import org.sparkdistill.core.teacher.EnsembleMixture;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherEnsemble;

/** The teachers a job uses: their model files, weights and how the ensemble weighs them. */
public record TeacherSpecs(List<String> paths, double[] weights, EnsembleWeighting weighting) implements Serializable {
    public TeacherSpecs {
        paths = List.copyOf(paths);
        weights = weights.clone();
    }

    /** The teachers' names: their model files' names. */
    public List<String> names() {
        return paths.stream().map(path -> Path.of(path).getFileName().toString()).toList();
    }

    /** How the teachers' predictions are combined, as configured. */
    public EnsembleMixture mixture() {
        return weighting == EnsembleWeighting.FIXED ? EnsembleMixture.fixed(names(), weights)
                : EnsembleMixture.of(weighting, paths.size());
    }

    /**
     * Reads every model file, in the order of {@link #paths()}, on the driver, and checks it as a {@link ModelZip}.
     *
     * @throws InvalidInputException naming the file when one does not exist or is refused
     */
    public List<byte[]> readZips() {
        return paths.stream().map(path -> ModelZip.read(Path.of(path), "teacher model file").bytes()).toList();
    }

    /**
     * Loads the teachers from their model zips, given in the order of {@link #paths()}, and combines them as
     * configured. If combining fails, the teachers already loaded are closed before the error propagates.
     */
    public TeacherEnsemble load(List<byte[]> zips) {
        List<String> names = names();
        List<Dl4jTeacher> loaded = new ArrayList<>();
        try {
            for (int k = 0; k < paths.size(); k++) {
                loaded.add(Dl4jTeacher.read(names.get(k), zips.get(k), paths.get(k)));
            }
            return TeacherEnsemble.of(loaded, mixture());
        } catch (RuntimeException e) {
            loaded.forEach(Teacher::close);
            throw e;
        }
    }

    /**
     * Loads every teacher once, on the driver, to refuse a corrupt file or a shape mismatch before Spark runs.
     *
     * @throws InvalidInputException naming the teacher and what does not fit
     */
    public void requireFit(List<byte[]> zips, int featureCount, int classes) {
        if (paths.isEmpty()) {
            return;
        }
        try (TeacherEnsemble ensemble = load(zips)) {
            ensemble.requireCompatible(featureCount, classes);
        }
    }
}
