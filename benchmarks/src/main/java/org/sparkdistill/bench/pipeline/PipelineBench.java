package org.sparkdistill.bench.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.sparkdistill.bench.BenchMain;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.TeacherInferJob;
import org.sparkdistill.jobs.TeacherTraining;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.report.RunSummary;
import org.sparkdistill.jobs.spark.Sessions;

/**
 * Measures the input pipeline and the soft-label cache on Fashion-MNIST with a CNN teacher and an MLP student, all
 * through the real jobs on local Spark with one worker:
 * <ol>
 *   <li>the student's wait for its batches with the pipeline off and on, with the teacher online and from a cache;
 *   <li>the student's steps per second from the cache against online teacher inference;
 *   <li>the accuracy of students distilled from top-k caches against one distilled from full logits, over seeds.
 * </ol>
 * The caches are written by {@code teacher-infer} and kept beside the output only while the benchmark runs.
 */
public final class PipelineBench {
    private static final List<Integer> STUDENT_HIDDEN = List.of(128);
    private static final int CLASSES = 10;
    private static final TeacherTraining.Recipe TEACHER = new TeacherTraining.Recipe(2, 64, 42L, 0.001);
    private static final String MASTER = "local[2]";

    private PipelineBench() {}

    public static void main(String[] args) {
        // Spark's barrier tasks start a non-daemon timer thread in the driver (local mode) that outlives the session,
        // so the benchmark ends its JVM itself.
        BenchMain.main(args, PipelineBenchSettings::parse, PipelineBenchSettings.USAGE, PipelineBench::run);
    }

    private static void run(PipelineBenchSettings settings) throws IOException {
        Examples train = FashionMnist.train(settings.data());
        Examples test = FashionMnist.test(settings.data());
        TeacherTraining.Trained teacher = TeacherTraining.trainOrReuse(train, test, TEACHER, settings.teacherCache());
        long teacherMacs = teacherMultiplyAdds(teacher.model());
        long studentMacs = MultiplyAdds.perExample(Networks.mlp(train.featureCount(), STUDENT_HIDDEN, CLASSES,
                UpdaterKind.ADAM.withLearningRate(1e-3), 1L), InputType.feedForward(train.featureCount()));
        Path output = settings.output().toAbsolutePath();
        Path work = output.resolveSibling("." + output.getFileName() + ".work");
        AtomicDirectory.deleteRecursively(work);
        try (Sessions.Scope session = Sessions.open("bench pipeline", MASTER)) {
            Bench bench = new Bench(session, settings, teacher.model(), work);
            String summary = bench.run(teacher, teacherMacs, studentMacs);
            System.out.println();
            System.out.println(summary);
            AtomicDirectory.publish(output, dir -> {
                Files.writeString(dir.resolve("summary.md"), summary, StandardCharsets.UTF_8);
                Files.writeString(dir.resolve("runs.csv"), bench.csv(), StandardCharsets.UTF_8);
            });
            System.out.println("wrote " + output);
        } finally {
            AtomicDirectory.deleteRecursively(work);
        }
    }

    private static long teacherMultiplyAdds(Path model) throws IOException {
        MultiLayerNetwork network = ModelZip.read(model, "teacher model file").multiLayerNetwork(false);
        try {
            return MultiplyAdds.perExample(network, InputType.convolutionalFlat(28, 28, 1));
        } finally {
            NetworkMemory.release(network);
        }
    }

    /** One benchmark run's jobs and what they measured. */
    private static final class Bench {
        private final Sessions.Scope session;
        private final PipelineBenchSettings settings;
        private final Path teacher;
        private final Path work;
        private final List<StallRow> stalls = new ArrayList<>();
        private final Map<Integer, Double> inferSeconds = new LinkedHashMap<>();
        private final List<String> accuracyCsv = new ArrayList<>();

        Bench(Sessions.Scope session, PipelineBenchSettings settings, Path teacher, Path work) {
            this.session = session;
            this.settings = settings;
            this.teacher = teacher;
            this.work = work;
        }

        String run(TeacherTraining.Trained trained, long teacherMacs, long studentMacs) {
            List<Integer> ks = new ArrayList<>();
            ks.add(CLASSES);
            ks.addAll(settings.topK());
            for (int k : ks) {
                long started = System.nanoTime();
                TeacherInferJob.run(session.spark(), config(Map.of("cache.path", cache(k).toString(), "cache.topK",
                        String.valueOf(k), "output", work.resolve("unused").toString())));
                inferSeconds.put(k, (System.nanoTime() - started) / 1e9);
            }
            int stallK = settings.topK().get(0);
            for (String source : List.of("online teacher", "top-" + stallK + " cache")) {
                for (int depth : List.of(0, settings.depth())) {
                    Map<String, String> o = new LinkedHashMap<>();
                    o.put("training.epochs", String.valueOf(settings.stallEpochs()));
                    o.put("training.pipelineDepth", String.valueOf(depth));
                    o.put("training.seed", String.valueOf(settings.seeds().get(0)));
                    if (source.endsWith("cache")) {
                        o.put("cache.path", cache(stallK).toString());
                    }
                    RunSummary summary = distill(o, source + ", depth " + depth);
                    PipelineMetrics total = summary.epochs().stream().map(EpochMetrics::pipeline)
                            .reduce(PipelineMetrics::plus).orElseThrow();
                    stalls.add(new StallRow(source, total));
                }
            }
            Map<Integer, List<Double>> accuracy = new LinkedHashMap<>();
            for (long seed : settings.seeds()) {
                for (int k : ks) {
                    RunSummary summary = distill(Map.of("training.epochs", String.valueOf(settings.accuracyEpochs()),
                            "training.seed", String.valueOf(seed), "cache.path", cache(k).toString()),
                            label(k) + ", seed " + seed);
                    double value = summary.last().accuracy();
                    accuracy.computeIfAbsent(k, x -> new ArrayList<>()).add(value);
                    accuracyCsv.add(String.format(Locale.ROOT, "%s,%d,%.4f", label(k), seed, value));
                }
            }
            return summary(trained, teacherMacs, studentMacs, ks, accuracy);
        }

        private RunSummary distill(Map<String, String> overrides, String name) {
            Map<String, String> o = new LinkedHashMap<>(overrides);
            o.put("output", work.resolve("student-" + Integer.toHexString(name.hashCode())).toString());
            System.out.println("distill: " + name);
            return DistillJob.run(session.spark(), config(o), name).summary();
        }

        private DistillConfig config(Map<String, String> overrides) {
            Map<String, String> o = new LinkedHashMap<>();
            o.put("data.train", settings.data().toString());
            o.put("teachers", teacher.toString());
            o.put("student.hidden", "128");
            o.put("training.batchSize", String.valueOf(settings.batchSize()));
            o.put("training.workers", "1");
            o.put("spark.master", MASTER);
            o.putAll(overrides);
            return ConfigLoader.parse("{}", "pipeline benchmark", o);
        }

        private Path cache(int k) {
            return work.resolve("cache-k" + k);
        }

        private static String label(int k) {
            return k == CLASSES ? "full logits" : "top-" + k;
        }

        private String summary(TeacherTraining.Trained trained, long teacherMacs, long studentMacs, List<Integer> ks,
                Map<Integer, List<Double>> accuracy) {
            StringBuilder md = new StringBuilder("# Input pipeline and soft-label cache\n\n");
            md.append(String.format(Locale.ROOT, "Fashion-MNIST, 60,000 training images; teacher: CNN (%.2f%% test "
                            + "accuracy, %,d multiply-adds per image); student: MLP 784-128-10 (%,d multiply-adds per "
                            + "image), %.1f times fewer; batch %d, one worker on %s, Adam, T = 4, α = 0.9.%n%n",
                    100 * trained.accuracy(), teacherMacs, studentMacs, (double) teacherMacs / studentMacs,
                    settings.batchSize(), MASTER));
            md.append("## Where the student step's time goes (").append(settings.stallEpochs())
                    .append(" epoch(s) per run)\n\n").append(StallRow.markdownHeader()).append('\n');
            stalls.forEach(row -> md.append(row.markdown()).append('\n'));
            StallRow onlineOn = stalls.get(1);
            StallRow cacheOn = stalls.get(3);
            md.append(String.format(Locale.ROOT, "%nStudent steps per second from the cache ÷ with the online teacher, "
                    + "pipeline on: %.2f.%n", cacheOn.stepsPerSecond() / onlineOn.stepsPerSecond()));
            md.append("\n## Writing the caches (`teacher-infer`)\n\n| cache | seconds |\n| --- | ---: |\n");
            inferSeconds.forEach((k, s) -> md.append(String.format(Locale.ROOT, "| %s | %.1f |%n", label(k), s)));
            md.append("\n## Accuracy of the distilled student (").append(settings.accuracyEpochs())
                    .append(" epochs)\n\n| soft targets |");
            settings.seeds().forEach(seed -> md.append(" seed ").append(seed).append(" |"));
            md.append(" mean | mean − full logits (points) |\n| --- |");
            settings.seeds().forEach(seed -> md.append(" ---: |"));
            md.append(" ---: | ---: |\n");
            double full = mean(accuracy.get(CLASSES));
            for (int k : ks) {
                md.append("| ").append(label(k)).append(" |");
                accuracy.get(k).forEach(a -> md.append(String.format(Locale.ROOT, " %.2f%% |", 100 * a)));
                double mean = mean(accuracy.get(k));
                md.append(String.format(Locale.ROOT, " %.2f%% | %+.2f |%n", 100 * mean, 100 * (mean - full)));
            }
            return md.toString();
        }

        String csv() {
            StringBuilder csv = new StringBuilder("kind,soft_targets,depth_or_seed,steps,loop_seconds,steps_per_second,"
                    + "student_wait_seconds,data_wait_seconds,teacher_wait_seconds,accuracy\n");
            for (StallRow row : stalls) {
                csv.append(String.format(Locale.ROOT, "stall,%s,%d,%d,%.4f,%.3f,%.4f,%.4f,%.4f,%n", row.source(),
                        row.pipeline().depth(), row.steps(), row.loopSeconds(), row.stepsPerSecond(),
                        row.pipeline().student().inputStallSeconds(), row.dataWaitSeconds(),
                        row.teacherWaitSeconds()));
            }
            for (String line : accuracyCsv) {
                String[] f = line.split(",");
                csv.append("accuracy,").append(f[0]).append(',').append(f[1]).append(",,,,,,,").append(f[2])
                        .append('\n');
            }
            return csv.toString();
        }

        private static double mean(List<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }
}
