package org.sparkdistill.jobs.config;

import java.util.List;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.EnsembleWeighting;

/**
 * Everything a {@code distill} run uses, validated; built by {@link ConfigLoader} from YAML and overrides.
 *
 * <p>Whether a run needs teachers is the job's decision: with none, α must be 0 throughout.
 *
 * @param teachers the teachers, possibly none; an unmodifiable copy
 * @param weighting how the teacher ensemble weighs its members (key {@code ensemble.weighting})
 * @param cache the soft-label cache {@code teacher-infer} writes and {@code distill} reads, if {@code cache.path} is set
 * @param output the output directory
 * @param overwrite whether an existing output may be replaced; an output that overlaps an input never may
 * @param master the Spark master used when not run through spark-submit (key {@code spark.master})
 */
public record DistillConfig(DataConfig data, List<TeacherConfig> teachers, EnsembleWeighting weighting,
                            StudentConfig student, DistillationConfig distillation, TrainingConfig training,
                            CacheConfig cache, String output, boolean overwrite, String master) {
    static final Field<EnsembleWeighting> WEIGHTING = Field.choice("ensemble.weighting", EnsembleWeighting.class,
            EnsembleWeighting.UNIFORM);
    static final Field<String> OUTPUT = Field.requiredText("output");
    static final Field<Boolean> OVERWRITE = Field.bool("overwrite", false);
    static final Field<String> MASTER = Field.text("spark.master", "local[*]");

    /** Checks every component; throws {@link InvalidInputException} naming the key. */
    public DistillConfig {
        present("data", data);
        present("teachers", teachers);
        teachers.forEach(t -> present("teachers[]", t));
        teachers = List.copyOf(teachers);
        weighting = WEIGHTING.require(weighting);
        present("student", student);
        present("distillation", distillation);
        present("training", training);
        present("cache", cache);
        output = OUTPUT.require(output);
        overwrite = OVERWRITE.require(overwrite);
        master = MASTER.require(master);
        if (distillation.hasCodistillation() != (training.groups() > 1)) {
            throw new InvalidInputException(distillation.hasCodistillation()
                    ? "distillation.objectives lists codistill, which learns from other groups, but training.groups = "
                            + training.groups() + "; set it to 2 or more"
                    : "training.groups = " + training.groups() + " forms groups that codistil, but "
                            + "distillation.objectives lists no codistill objective; add {type: codistill}");
        }
        if (training.groups() > 1 && !student.peers().isEmpty()) {
            throw new InvalidInputException("training.groups = " + training.groups() + " with student.peers: a "
                    + "codistillation group trains one student; drop one of the two");
        }
        if (distillation.hasMutual() && student.peers().isEmpty()) {
            throw new InvalidInputException("distillation.objectives lists mutual, which makes peers learn from each "
                    + "other, but student.peers is empty; list two or more peers");
        }
    }

    /**
     * The whole configuration as YAML, every default written out, so a run can record exactly what it used.
     *
     * <p>{@link ConfigLoader#parse} reads it back into an equal record.
     */
    public String toYaml() {
        return Schema.toYaml(this);
    }

    private static void present(String key, Object value) {
        if (value == null) {
            throw new InvalidInputException(key + ": required but missing");
        }
    }
}
