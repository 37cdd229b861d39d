package org.sparkdistill.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.report.MetricsDocument;
import org.sparkdistill.jobs.report.ModelProfile;
import org.sparkdistill.jobs.storage.HadoopSettings;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * The quickstart: a CNN teacher, then the same student trained twice on the same data, seed and epochs, once on
 * labels alone and once distilled from the teacher, compared in a table, {@code metrics.json} and {@code report.html}.
 */
public final class QuickstartJob {
    public static final String TEACHER_FILE = "teacher.zip";

    private QuickstartJob() {}

    /**
     * What the quickstart runs.
     *
     * @param limit training rows the students see (the teacher sees all)
     * @param overwrite whether an earlier quickstart output at {@code output} may be replaced
     */
    public record Settings(Path data, Path output, Path cache, long seed, int limit, int epochs, int batchSize,
                           List<Integer> hidden, double learningRate, double temperature, double alpha,
                           TeacherTraining.Recipe teacher, String master, boolean overwrite) {}

    public static MetricsDocument run(SparkSession spark, Settings s) {
        TeacherTraining.Trained teacher = TeacherTraining.trainOrReuse(FashionMnist.train(s.data()),
                FashionMnist.test(s.data()), s.teacher(), s.cache());
        System.out.printf("teacher: %.2f%% accuracy (%s)%n", 100 * teacher.accuracy(),
                teacher.cached() ? "from the cache, " + teacher.model() : "trained in " + Math.round(teacher.seconds()) + " s");
        List<MetricsDocument> report = new ArrayList<>();
        PublishedOutput.publish(StoragePath.local(s.output()), "quickstart", s.overwrite(), dir -> {
            Path local = Path.of(dir.describe());
            Files.copy(teacher.model(), local.resolve(TEACHER_FILE));
            List<DistillJob.Outcome> runs = List.of(
                    DistillJob.run(spark, config(s, local.resolve("alone"), teacher.model(), 0.0), "student alone"),
                    DistillJob.run(spark, config(s, local.resolve("distilled"), teacher.model(), s.alpha()),
                            "student distilled"));
            report.add(report(s, teacher, local, runs));
            report.get(0).writeTo(dir);
        });
        return report.get(0);
    }

    /** Both runs share everything but α; with α = 0 the teacher is only used to measure agreement and KL. */
    static DistillConfig config(Settings s, Path output, Path teacher, double alpha) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("data.train", s.data().toString());
        overrides.put("data.limit", String.valueOf(s.limit()));
        overrides.put("teachers", teacher.toString());
        overrides.put("student.hidden", s.hidden().stream().map(String::valueOf).collect(Collectors.joining(",")));
        overrides.put("student.learningRate", String.valueOf(s.learningRate()));
        overrides.put("distillation.temperature", String.valueOf(s.temperature()));
        overrides.put("distillation.alpha", String.valueOf(alpha));
        overrides.put("training.epochs", String.valueOf(s.epochs()));
        overrides.put("training.batchSize", String.valueOf(s.batchSize()));
        overrides.put("training.seed", String.valueOf(s.seed()));
        overrides.put("output", output.toString());
        overrides.put("spark.master", s.master());
        return ConfigLoader.parse("{}", "quickstart", overrides);
    }

    /**
     * The two runs in one document, with the teacher and both students measured again side by side, one after another
     * in this JVM, so that their speeds compare.
     */
    private static MetricsDocument report(Settings s, TeacherTraining.Trained teacher, Path output,
            List<DistillJob.Outcome> runs) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("data", s.data().toString());
        settings.put("student training rows", s.limit());
        settings.put("student", "MLP " + s.hidden() + ", Adam " + s.learningRate() + " decayed linearly to 0");
        settings.put("epochs", s.epochs());
        settings.put("batch size", s.batchSize());
        settings.put("temperature", s.temperature());
        settings.put("alpha (distilled run)", s.alpha());
        settings.put("seed", s.seed());
        settings.put("teacher", "CNN, " + s.teacher().describe() + (teacher.cached() ? " (cached)" : ""));
        settings.put("teacher training (s)", Math.round(teacher.seconds()));
        List<ModelProfiles.Subject> students = new ArrayList<>();
        try {
            for (DistillJob.Outcome run : runs) {
                students.add(new ModelProfiles.Subject(run.summary().name(), ModelProfile.STUDENT,
                        ModelZip.of(run.studentZip(), run.summary().name()).network(), run.studentZip().length));
            }
            TeacherSpecs teachers = TeacherSpecs.check(List.of(output.resolve(TEACHER_FILE).toString()),
                    HadoopSettings.beforeSession());
            List<ModelProfile> models = ModelProfiles.of(teachers, runs.get(0).exampleShape(),
                    FashionMnist.test(s.data()), students);
            return MetricsDocument.of("quickstart", "spark-distill quickstart: Fashion-MNIST",
                    runs.get(0).metrics().classes(), models, runs.stream().map(DistillJob.Outcome::summary).toList(),
                    settings);
        } finally {
            students.forEach(student -> NetworkMemory.release(student.network()));
        }
    }
}
