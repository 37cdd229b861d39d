package org.sparkdistill.bench.teachers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.SparkSession;
import org.sparkdistill.bench.BenchMain;
import org.sparkdistill.bench.pipeline.StallRow;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.PrepareJob;
import org.sparkdistill.jobs.TeacherInferJob;
import org.sparkdistill.jobs.cache.DatasetFingerprint;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.report.Json;
import org.sparkdistill.jobs.report.RunSummary;
import org.sparkdistill.jobs.spark.Sessions;

/**
 * The same CNN teacher as a DL4J model zip and as an ONNX model, side by side in one run on {@code local[2]} and
 * Fashion-MNIST, through the real jobs:
 * <ol>
 *   <li>teacher inference inside {@code teacher-infer}'s tasks: images per second per core, from the rows and the
 *       forward passes' wall time the tasks count ({@link TeacherInferJob.Outcome#inferenceNanos});
 *   <li>{@code teacher-infer} end to end: the wall time of {@link TeacherInferJob#run}, and what is not inference;
 *   <li>online distillation with the input pipeline on: the student's steps per second with the live teacher.
 * </ol>
 * The DL4J teacher is {@link CnnTeacherZip}, checked against the ONNX file before it is used. Each contender first
 * runs both jobs once on the small test table, unmeasured. The contenders then alternate (DL4J, ONNX, DL4J, ONNX, …)
 * so that the machine's load drifts hit both; tables give medians over rounds.
 */
public final class TeacherFormatBench {
    static final String MASTER = "local[2]";
    /** Tasks of teacher-infer that run at once: one per core of {@value #MASTER}. */
    static final int SLOTS = 2;
    /** Held-out images the online runs evaluate on after each epoch; evaluation is not on the step clock. */
    static final int TEST_ROWS = 1_000;
    static final String ZIP_NAME = "fashion-mnist-cnn.zip";
    static final String WORK_NAME = "work";

    private TeacherFormatBench() {}

    public static void main(String[] args) {
        BenchMain.main(args, TeacherFormatBenchSettings::parse, TeacherFormatBenchSettings.USAGE,
                TeacherFormatBench::run);
    }

    /** A teacher file under test. */
    record Contender(String name, Path teacher) {}

    /** One teacher-infer run. */
    record InferRun(String contender, int round, double wallSeconds, double inferenceSeconds, long rows,
                    double tablePassSeconds) {
        double imagesPerSecondPerCore() {
            return rows / inferenceSeconds;
        }

        /** The forward passes' share of the wall time: their summed time spread over the tasks that ran at once. */
        double inferenceWallSeconds() {
            return inferenceSeconds / SLOTS;
        }

        double otherSeconds() {
            return wallSeconds - inferenceWallSeconds();
        }
    }

    /** One online distillation run, from the input pipeline's times summed over the epochs (rank 0). */
    record OnlineRun(String contender, int round, StallRow loop, long optimizerSteps, double wallSeconds) {
        double stepsPerSecond() {
            return loop.stepsPerSecond();
        }

        double studentMillisPerStep() {
            return 1e3 * loop.pipeline().student().busySeconds() / loop.steps();
        }

        double teacherMillisPerStep() {
            return 1e3 * loop.stage("teacher").busySeconds() / loop.steps();
        }

        double waitingShare() {
            return loop.pipeline().student().inputStallSeconds() / loop.loopSeconds();
        }
    }

    private static void run(TeacherFormatBenchSettings settings) throws IOException {
        Path output = settings.output().toAbsolutePath();
        Files.createDirectories(output);
        // The output directory was absent or empty when the settings were checked, so this is the run's own.
        Path work = Files.createDirectory(output.resolve(WORK_NAME));
        try {
            Examples train = FashionMnist.train(settings.data()).head(settings.limit());
            Examples test = FashionMnist.test(settings.data());
            CnnTeacherZip.Written zip = CnnTeacherZip.write(settings.keras(), settings.onnx(), test,
                    output.resolve(ZIP_NAME));
            System.out.printf(Locale.ROOT, "DL4J copy of %s written to %s: class probabilities within %.2g of %s's on"
                            + " %d test images, same class on %d%n", settings.keras(), zip.zip(),
                    zip.maxProbabilityDifference(), settings.onnx(), zip.rowsChecked(), zip.sameClass());
            List<Contender> contenders = List.of(new Contender("DL4J zip", zip.zip()),
                    new Contender("ONNX", settings.onnx().toAbsolutePath()));
            Bench bench;
            try (Sessions.Scope session = Sessions.open("bench teacher formats", MASTER)) {
                bench = new Bench(session.spark(), settings, contenders, work);
                PrepareJob.run(session.spark(), train, bench.trainTable());
                PrepareJob.run(session.spark(), test.head(TEST_ROWS), bench.testTable());
                bench.run();
            }
            String summary = bench.markdown(zip);
            System.out.println();
            System.out.println(summary);
            Files.writeString(output.resolve("summary.md"), summary, StandardCharsets.UTF_8);
            Files.writeString(output.resolve("summary.json"), Json.write(bench.json(zip)), StandardCharsets.UTF_8);
            Files.writeString(output.resolve("runs.csv"), bench.csv(), StandardCharsets.UTF_8);
            System.out.println("wrote " + output);
        } finally {
            AtomicDirectory.deleteRecursively(work);
        }
    }

    /** The runs of one benchmark and what they measured. */
    private static final class Bench {
        private final SparkSession spark;
        private final TeacherFormatBenchSettings settings;
        private final List<Contender> contenders;
        private final Path work;
        private final List<InferRun> inferRuns = new ArrayList<>();
        private final List<OnlineRun> onlineRuns = new ArrayList<>();

        Bench(SparkSession spark, TeacherFormatBenchSettings settings, List<Contender> contenders, Path work) {
            this.spark = spark;
            this.settings = settings;
            this.contenders = contenders;
            this.work = work;
        }

        Path trainTable() {
            return work.resolve("train");
        }

        Path testTable() {
            return work.resolve("test");
        }

        /**
         * Runs every measurement of every contender once on the small test table, unmeasured, so that round 1 does not
         * pay alone for the JVM's and Spark's first jobs, then the measured rounds.
         */
        void run() {
            for (Contender contender : contenders) {
                System.out.println("warm-up: " + contender.name());
                TeacherInferJob.run(spark, config(contender, Map.of("data.train", testTable().toString(), "cache.path",
                        work.resolve("warm-up-cache-" + slug(contender)).toString())));
                DistillJob.run(spark, config(contender, Map.of("data.train", testTable().toString(), "output",
                        work.resolve("warm-up-student-" + slug(contender)).toString())), "warm-up");
            }
            for (int round = 1; round <= settings.rounds(); round++) {
                for (Contender contender : contenders) {
                    inferRuns.add(infer(contender, round));
                }
                for (Contender contender : contenders) {
                    onlineRuns.add(online(contender, round));
                }
            }
        }

        private InferRun infer(Contender contender, int round) {
            String name = "infer-" + slug(contender) + "-" + round;
            System.out.println("teacher-infer: " + contender.name() + ", round " + round);
            long started = System.nanoTime();
            TeacherInferJob.Outcome outcome = TeacherInferJob.run(spark, config(contender, Map.of("cache.path",
                    work.resolve(name).toString())));
            double wall = (System.nanoTime() - started) / 1e9;
            if (outcome.rowsInferred() != settings.limit()) {
                throw new IllegalStateException("teacher-infer with " + contender.name() + " counted "
                        + outcome.rowsInferred() + " rows inferred, but the table has " + settings.limit());
            }
            // One more pass over every row of the table, as teacher-infer's fingerprint makes before inference: the
            // cost of reading the table once, which no teacher can reduce.
            started = System.nanoTime();
            DatasetFingerprint.of(spark.read().parquet(trainTable().toString()));
            double tablePass = (System.nanoTime() - started) / 1e9;
            return new InferRun(contender.name(), round, wall, outcome.inferenceNanos() / 1e9, outcome.rowsInferred(),
                    tablePass);
        }

        private OnlineRun online(Contender contender, int round) {
            String name = contender.name() + ", round " + round;
            System.out.println("distill online: " + name);
            Map<String, String> o = new LinkedHashMap<>();
            o.put("training.epochs", String.valueOf(settings.epochs()));
            o.put("training.workers", String.valueOf(settings.workers()));
            o.put("output", work.resolve("student-" + slug(contender) + "-" + round).toString());
            long started = System.nanoTime();
            RunSummary summary = DistillJob.run(spark, config(contender, o), name).summary();
            double wall = (System.nanoTime() - started) / 1e9;
            PipelineMetrics total = summary.epochs().stream().map(EpochMetrics::pipeline)
                    .reduce(PipelineMetrics::plus).orElseThrow();
            return new OnlineRun(contender.name(), round, new StallRow(contender.name(), total), summary.last().step(),
                    wall);
        }

        private DistillConfig config(Contender contender, Map<String, String> overrides) {
            Map<String, String> o = new LinkedHashMap<>();
            o.put("data.train", trainTable().toString());
            o.put("data.test", testTable().toString());
            o.put("teachers", contender.teacher().toString());
            o.put("student.hidden", "128");
            o.put("training.batchSize", String.valueOf(settings.batchSize()));
            o.put("spark.master", MASTER);
            o.put("training.pipelineDepth", "2");
            o.put("output", work.resolve("unused").toString());
            o.putAll(overrides);
            return ConfigLoader.parse("{}", "teacher format benchmark", o);
        }

        private static String slug(Contender contender) {
            return contender.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        }

        private <R> double median(List<R> runs, String contender, java.util.function.Function<R, String> owner,
                ToDoubleFunction<R> value) {
            double[] values = runs.stream().filter(r -> owner.apply(r).equals(contender)).mapToDouble(value).sorted()
                    .toArray();
            int n = values.length;
            return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        }

        private double infer(String contender, ToDoubleFunction<InferRun> value) {
            return median(inferRuns, contender, InferRun::contender, value);
        }

        private double online(String contender, ToDoubleFunction<OnlineRun> value) {
            return median(onlineRuns, contender, OnlineRun::contender, value);
        }

        private String dl4j() {
            return contenders.get(0).name();
        }

        private String onnx() {
            return contenders.get(1).name();
        }

        double inferenceRatio() {
            return infer(onnx(), InferRun::imagesPerSecondPerCore) / infer(dl4j(), InferRun::imagesPerSecondPerCore);
        }

        double endToEndRatio() {
            return infer(dl4j(), InferRun::wallSeconds) / infer(onnx(), InferRun::wallSeconds);
        }

        double onlineRatio() {
            return online(onnx(), OnlineRun::stepsPerSecond) / online(dl4j(), OnlineRun::stepsPerSecond);
        }

        String markdown(CnnTeacherZip.Written zip) {
            StringBuilder md = new StringBuilder("# The same CNN teacher as a DL4J zip and as ONNX\n\n");
            md.append(String.format(Locale.ROOT, "Fashion-MNIST, the first %,d training images; teacher: the"
                            + " Fashion-MNIST CNN fixture (ONNX) and its DL4J copy (class probabilities within %.2g on"
                            + " %d test images, same class on %d); %s; %d round(s), contenders alternating; medians over"
                            + " rounds.%n%n", settings.limit(), zip.maxProbabilityDifference(), zip.rowsChecked(),
                    zip.sameClass(), MASTER, settings.rounds()));
            md.append("## Teacher inference inside teacher-infer tasks\n\n")
                    .append("| teacher | rows | forward passes, summed over tasks (s) | images/s per core |\n")
                    .append("| --- | ---: | ---: | ---: |\n");
            for (Contender c : contenders) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.0f |%n", c.name(), settings.limit(),
                        infer(c.name(), InferRun::inferenceSeconds), infer(c.name(), InferRun::imagesPerSecondPerCore)));
            }
            md.append(String.format(Locale.ROOT, "%nONNX ÷ DL4J images/s per core: %.1f (target ≥ 20).%n",
                    inferenceRatio()));
            md.append("\n## teacher-infer end to end\n\n")
                    .append("| teacher | wall (s) | forward passes ÷ ").append(SLOTS).append(" tasks at once (s) | rest"
                            + " (s) | rest share | one pass over the table (s) |\n")
                    .append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
            for (Contender c : contenders) {
                double wall = infer(c.name(), InferRun::wallSeconds);
                double rest = infer(c.name(), InferRun::otherSeconds);
                md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.0f%% | %.1f |%n", c.name(), wall,
                        infer(c.name(), InferRun::inferenceWallSeconds), rest, 100 * rest / wall,
                        infer(c.name(), InferRun::tablePassSeconds)));
            }
            md.append(String.format(Locale.ROOT, "%nDL4J ÷ ONNX wall seconds: %.2f (target ≥ 3).%n",
                    endToEndRatio()));
            md.append(String.format(Locale.ROOT, "%n## Online distillation, pipeline on (%d epoch(s), %d worker(s),"
                    + " batch %d, student 784-128-10)%n%n", settings.epochs(), settings.workers(),
                    settings.batchSize()));
            md.append("| teacher | steps | step loop (s) | steps/s | student work (ms/step) | student waiting |"
                    + " teacher stage (ms/step) | job wall (s) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (Contender c : contenders) {
                md.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %.2f | %.1f%% | %.2f | %.1f |%n",
                        c.name(), online(c.name(), r -> r.loop().steps()),
                        online(c.name(), r -> r.loop().loopSeconds()), online(c.name(), OnlineRun::stepsPerSecond),
                        online(c.name(), OnlineRun::studentMillisPerStep), 100 * online(c.name(),
                                OnlineRun::waitingShare), online(c.name(), OnlineRun::teacherMillisPerStep),
                        online(c.name(), OnlineRun::wallSeconds)));
            }
            md.append(String.format(Locale.ROOT, "%nONNX ÷ DL4J student steps/s: %.2f (target ≥ 5).%n",
                    onlineRatio()));
            md.append("\n## Every run\n\n| round | teacher | teacher-infer wall (s) | forward passes (s) | images/s per"
                    + " core | table pass (s) | online steps/s | student (ms/step) | teacher stage (ms/step) |\n"
                    + "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (int i = 0; i < inferRuns.size(); i++) {
                InferRun in = inferRuns.get(i);
                OnlineRun on = onlineRuns.get(i);
                md.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %.2f | %.0f | %.1f | %.1f | %.2f | %.2f |%n",
                        in.round(), in.contender(), in.wallSeconds(), in.inferenceSeconds(),
                        in.imagesPerSecondPerCore(), in.tablePassSeconds(), on.stepsPerSecond(),
                        on.studentMillisPerStep(), on.teacherMillisPerStep()));
            }
            return md.toString();
        }

        Map<String, Object> json(CnnTeacherZip.Written zip) {
            Map<String, Object> root = new LinkedHashMap<>();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("data", settings.data().toString());
            s.put("keras", settings.keras().toString());
            s.put("onnx", settings.onnx().toString());
            s.put("limit", settings.limit());
            s.put("rounds", settings.rounds());
            s.put("epochs", settings.epochs());
            s.put("workers", settings.workers());
            s.put("batchSize", settings.batchSize());
            s.put("master", MASTER);
            s.put("testRows", TEST_ROWS);
            s.put("ompNumThreads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
            root.put("settings", s);
            root.put("dl4jCopy", Map.of("zip", zip.zip().getFileName().toString(), "rowsChecked", zip.rowsChecked(),
                    "maxProbabilityDifference", zip.maxProbabilityDifference(), "sameClass", zip.sameClass()));
            Map<String, Object> medians = new LinkedHashMap<>();
            for (Contender c : contenders) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("inferenceSeconds", infer(c.name(), InferRun::inferenceSeconds));
                m.put("imagesPerSecondPerCore", infer(c.name(), InferRun::imagesPerSecondPerCore));
                m.put("teacherInferWallSeconds", infer(c.name(), InferRun::wallSeconds));
                m.put("teacherInferOtherSeconds", infer(c.name(), InferRun::otherSeconds));
                m.put("tablePassSeconds", infer(c.name(), InferRun::tablePassSeconds));
                m.put("onlineStepsPerSecond", online(c.name(), OnlineRun::stepsPerSecond));
                m.put("onlineStudentMillisPerStep", online(c.name(), OnlineRun::studentMillisPerStep));
                m.put("onlineTeacherStageMillisPerStep", online(c.name(), OnlineRun::teacherMillisPerStep));
                medians.put(c.name(), m);
            }
            root.put("medians", medians);
            Map<String, Object> ratios = new LinkedHashMap<>();
            ratios.put("inferenceImagesPerSecondPerCore_onnxOverDl4j", inferenceRatio());
            ratios.put("teacherInferWallSeconds_dl4jOverOnnx", endToEndRatio());
            ratios.put("onlineStepsPerSecond_onnxOverDl4j", onlineRatio());
            root.put("ratios", ratios);
            List<Object> runs = new ArrayList<>();
            for (InferRun r : inferRuns) {
                runs.add(new LinkedHashMap<>(Map.of("kind", "teacher-infer", "round", r.round(), "teacher",
                        r.contender(), "wallSeconds", r.wallSeconds(), "inferenceSeconds", r.inferenceSeconds(),
                        "rows", r.rows(), "tablePassSeconds", r.tablePassSeconds())));
            }
            for (OnlineRun r : onlineRuns) {
                runs.add(new LinkedHashMap<>(Map.of("kind", "online", "round", r.round(), "teacher", r.contender(),
                        "steps", r.loop().steps(), "optimizerSteps", r.optimizerSteps(), "loopSeconds",
                        r.loop().loopSeconds(), "studentBusySeconds", r.loop().pipeline().student().busySeconds(),
                        "teacherStageBusySeconds", r.loop().stage("teacher").busySeconds(), "wallSeconds",
                        r.wallSeconds())));
            }
            root.put("runs", runs);
            return root;
        }

        String csv() {
            StringBuilder csv = new StringBuilder("kind,round,teacher,wall_seconds,inference_seconds,rows,"
                    + "table_pass_seconds,steps,loop_seconds,student_busy_seconds,teacher_stage_busy_seconds\n");
            for (InferRun r : inferRuns) {
                csv.append(String.format(Locale.ROOT, "teacher-infer,%d,%s,%.3f,%.4f,%d,%.3f,,,,%n", r.round(),
                        r.contender(), r.wallSeconds(), r.inferenceSeconds(), r.rows(), r.tablePassSeconds()));
            }
            for (OnlineRun r : onlineRuns) {
                csv.append(String.format(Locale.ROOT, "online,%d,%s,%.3f,,,,%d,%.4f,%.4f,%.4f%n", r.round(),
                        r.contender(), r.wallSeconds(), r.loop().steps(), r.loop().loopSeconds(),
                        r.loop().pipeline().student().busySeconds(), r.loop().stage("teacher").busySeconds()));
            }
            return csv.toString();
        }
    }
}
