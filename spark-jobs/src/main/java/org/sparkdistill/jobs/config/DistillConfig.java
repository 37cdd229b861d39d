package org.sparkdistill.jobs.config;

import java.util.List;
import java.util.Locale;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.EnsembleWeighting;

/**
 * Everything a {@code distill} run uses, validated; built by {@link ConfigLoader} from YAML and flags.
 *
 * @param teachers the teachers, possibly none (then α must be 0 throughout)
 * @param weighting how the teacher ensemble weighs its members
 * @param output the output directory
 * @param master the Spark master used when not run through spark-submit
 */
public record DistillConfig(DataConfig data, List<TeacherConfig> teachers, EnsembleWeighting weighting,
                            StudentConfig student, DistillationConfig distillation, TrainingConfig training,
                            String output, String master) {
    public static final String DEFAULT_MASTER = "local[*]";

    public DistillConfig {
        teachers = List.copyOf(teachers);
        if (output == null || output.isBlank()) {
            throw new InvalidInputException("output is required");
        }
        if (master == null || master.isBlank()) {
            throw new InvalidInputException("spark.master must not be blank");
        }
    }

    /** The whole configuration as YAML, every default written out, so a run can record exactly what it used. */
    public String toYaml() {
        StringBuilder y = new StringBuilder();
        y.append("data:\n  train: ").append(quote(data.train())).append('\n');
        if (data.test() != null) {
            y.append("  test: ").append(quote(data.test())).append('\n');
        }
        y.append("  limit: ").append(data.limit()).append('\n');
        if (teachers.isEmpty()) {
            y.append("teachers: []\n");
        } else {
            y.append("teachers:\n");
            for (TeacherConfig t : teachers) {
                y.append("  - path: ").append(quote(t.path())).append("\n    weight: ").append(t.weight()).append('\n');
            }
        }
        y.append("ensemble:\n  weighting: ").append(name(weighting)).append('\n');
        y.append("student:\n  hidden: ").append(student.hidden()).append('\n');
        y.append("  updater: ").append(name(student.updater())).append('\n');
        y.append("  learningRate: ").append(student.learningRate()).append('\n');
        y.append("  learningRateSchedule: ").append(name(student.learningRateSchedule())).append('\n');
        y.append("distillation:\n  temperature: ").append(distillation.temperature()).append('\n');
        if (distillation.temperatureEnd() != null) {
            y.append("  temperatureEnd: ").append(distillation.temperatureEnd()).append('\n');
        }
        y.append("  alpha: ").append(distillation.alpha()).append('\n');
        if (distillation.alphaEnd() != null) {
            y.append("  alphaEnd: ").append(distillation.alphaEnd()).append('\n');
        }
        y.append("training:\n  epochs: ").append(training.epochs()).append('\n');
        y.append("  batchSize: ").append(training.batchSize()).append('\n');
        y.append("  seed: ").append(training.seed()).append('\n');
        y.append("  checkpointEvery: ").append(training.checkpointEvery()).append('\n');
        y.append("output: ").append(quote(output)).append('\n');
        y.append("spark:\n  master: ").append(quote(master)).append('\n');
        return y.toString();
    }

    static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** A YAML double-quoted scalar. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
