package org.sparkdistill.jobs;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.core.objective.DistillationObjective;
import org.sparkdistill.core.objective.TrainingGraph;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.train.Schedule;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.jobs.cache.DatasetFingerprint;
import org.sparkdistill.jobs.cache.SoftLabelCache;
import org.sparkdistill.jobs.config.DataConfig;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.config.DistillationConfig;
import org.sparkdistill.jobs.config.TeacherConfig;
import org.sparkdistill.jobs.data.ExampleTable;
import org.sparkdistill.jobs.data.ExampleTables;
import org.sparkdistill.jobs.data.LabelIndex;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.jobs.report.MetricsDocument;
import org.sparkdistill.jobs.report.ModelProfile;
import org.sparkdistill.jobs.report.RunSummary;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.JobDescription;
import org.sparkdistill.jobs.spark.RunCheckpoints;
import org.sparkdistill.jobs.spark.ShardStorage;
import org.sparkdistill.jobs.spark.TaskSlots;
import org.sparkdistill.jobs.storage.HadoopSettings;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;
import org.sparkdistill.core.nn.ComputePath;
import org.sparkdistill.core.train.PeerChoice;
import org.sparkdistill.jobs.config.StudentConfig;

/**
 * Distils a student from the configured teachers on Spark and writes it, with its metrics, to the output directory.
 *
 * <p>Everything that can be checked on the driver is checked before the Spark job starts: the configuration, the
 * teacher files, the data's schema and shape, and each teacher against the data. The output directory appears
 * complete or not at all. Teachers given with α = 0 throughout are used only to measure agreement and KL.
 *
 * <p>With {@code cache.path} set, the soft targets come from the soft-label cache {@code teacher-infer} wrote: its
 * manifest must name the same teachers (file hashes) and the same training rows (fingerprint), and its logits are
 * joined to the training rows by id. The teachers then run only on the held-out set, for the metrics.
 *
 * <p>With {@code training.checkpointEvery} above 0, checkpoints go to the run's own folder, named by its
 * {@link DistillRunKey}, in the checkpoint directory ({@link CheckpointLocation}); the run resumes only from that
 * folder, and once its output is published deletes that folder alone ({@link RunCheckpoints}).
 */
public final class DistillJob {
    public static final String MODEL_FILE = "student.zip";
    public static final String CONFIG_FILE = "config.yaml";
    /** Rank 0's steps, one JSON object per line: step, epoch, training loss, seconds into the training task. */
    public static final String STEPS_FILE = "steps.jsonl";
    private static final Logger LOG = LoggerFactory.getLogger(DistillJob.class);

    private DistillJob() {}

    /**
     * The result of a run: where it was written, the per-epoch metrics, the shape of one example the student takes,
     * everything its {@value MetricsDocument#FILE} holds, and the student as the DL4J zip written to
     * {@value #MODEL_FILE}.
     */
    public record Outcome(StoragePath output, RunSummary summary, int[] exampleShape, MetricsDocument metrics,
                          byte[] studentZip) {}

    public static Outcome run(SparkSession spark, DistillConfig config, String runName) {
        long started = System.nanoTime();
        PreparedDistill prepared = prepare(spark, config);
        TeacherSpecs teachers = prepared.teachers();
        SoftLabelCache cache = prepared.cache();
        ExampleTable train = prepared.train();
        TrainingPlan plan = prepared.plan();
        int workers = config.training().workers();
        RunCheckpoints checkpoints = prepared.checkpointDirectory() == null ? null : RunCheckpoints.open(
                prepared.checkpointDirectory(), DistillRunKey.of(config, teachers.sha256s(), teachers.settings(),
                        prepared.fingerprint(), cache == null ? null : cache.manifest().topK()),
                spark.sparkContext().hadoopConfiguration(), LOG::warn);

        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Examples> heldOutBroadcast = context.broadcast(prepared.heldOut());
        DataParallelTraining.Result result;
        try {
            JavaRDD<InternalRow> shards = ExampleFrames.shards(prepared.trainRows(), workers,
                    cache == null ? List.of() : cache.layout().columns());
            ExchangeSpec exchange = new ExchangeSpec(config.training().gradientBuckets(),
                    config.training().replanEvery(), config.training().handshakeTimeout(),
                    config.training().ioTimeout());
            DistillSetup setup = new DistillSetup(train.info(), plan, prepared.student(), prepared.objectives(), teachers,
                    prepared.distils(), exchange,
                    heldOutBroadcast, cache == null ? null : cache.layout(),
                    new ShardStorage(config.data().shardMemory(), config.data().shuffleOrder()), prepared.peers(),
                    keepOf(config.student()), config.training().groups(), config.training().exchangeEvery());
            result = DataParallelTraining.run(context, shards, setup, checkpoints == null ? null : checkpoints.store(),
                    config.training().attempts());
        } finally {
            heldOutBroadcast.destroy();
        }
        TrainedStudent trained = result.student();
        StoragePath output = StoragePath.of(config.output(), spark.sparkContext().hadoopConfiguration());
        RunSummary summary = new RunSummary(runName, trained.history(), (System.nanoTime() - started) / 1e9);
        MetricsDocument metrics = metrics(spark, config, prepared, trained, summary);
        PublishedOutput.publish(output, "distill", config.overwrite(), dir -> {
            try (OutputStream out = dir.child(MODEL_FILE).create()) {
                out.write(trained.modelZip());
            }
            for (int k = 0; k < trained.peerZips().size(); k++) {
                String name = config.training().groups() > 1 ? groupFile(k) : peerFile(k);
                try (OutputStream out = dir.child(name).create()) {
                    out.write(trained.peerZips().get(k));
                }
            }
            if (train.labels() != null) {
                train.labels().writeTo(dir);
            }
            dir.child(CONFIG_FILE).writeText(config.toYaml());
            metrics.writeTo(dir);
            StringBuilder steps = new StringBuilder();
            trained.steps().forEach(step -> steps.append(step.toJsonLine()).append('\n'));
            dir.child(STEPS_FILE).writeText(steps.toString());
            Provenance.of(config.training().seed(), config.toYaml(), trained.computeBackend()).writeTo(dir);
        });
        if (checkpoints != null) {
            checkpoints.deleteOwn();
        }
        return new Outcome(output, summary, train.info().shape(), metrics, trained.modelZip());
    }

    /** The run's figures for {@value MetricsDocument#FILE} and the report: the teachers and the student profiled. */
    private static MetricsDocument metrics(SparkSession spark, DistillConfig config, PreparedDistill prepared,
            TrainedStudent trained, RunSummary summary) {
        ExampleTable train = prepared.train();
        Model student = ModelZip.of(trained.modelZip(), "the trained student").network();
        List<ModelProfile> models;
        try (JobDescription described = JobDescription.of(spark.sparkContext(),
                "spark-distill distill: measuring the teachers and the student for the report")) {
            models = ModelProfiles.of(prepared.teachers(), train.info().shape(), prepared.heldOut(),
                    List.of(new ModelProfiles.Subject(summary.name(), ModelProfile.STUDENT, student,
                            trained.modelZip().length)));
        } finally {
            NetworkMemory.release(student);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("training data", describe(config.data()));
        settings.put("teachers", prepared.teachers().names());
        settings.put("student", config.student().architecture().toString().toLowerCase(Locale.ROOT));
        settings.put("workers", config.training().workers());
        settings.put("epochs", config.training().epochs());
        settings.put("batch size per worker", config.training().batchSize());
        settings.put("temperature", config.distillation().temperature());
        settings.put("alpha", config.distillation().alpha());
        settings.put("pipeline depth", config.training().pipelineDepth());
        settings.put("seed", config.training().seed());
        return MetricsDocument.of("distill", "spark-distill distill: " + summary.name(),
                LabelIndex.classNames(train.labels(), train.info().numClasses()), models, List.of(summary), settings);
    }

    /**
     * Checks everything a run needs before it trains, and writes nothing: the configuration against the teachers, the
     * teacher files, the data's schema and shape, each teacher against the data, the cache, the students and
     * objectives, and the task slots. A dry run stops here.
     *
     * @throws InvalidInputException naming the first problem found
     */
    public static PreparedDistill prepare(SparkSession spark, DistillConfig config) {
        try (JobDescription described = JobDescription.of(spark.sparkContext(),
                "spark-distill distill: checking the teachers and reading the training data")) {
            return prepare(spark, config, described);
        }
    }

    private static PreparedDistill prepare(SparkSession spark, DistillConfig config, JobDescription described) {
        String checkpointDirectory = config.training().checkpointEvery() == 0 ? null
                : CheckpointLocation.of(config, spark.sparkContext().master());
        boolean distils = distils(config.distillation());
        if (distils && config.teachers().isEmpty()) {
            throw new InvalidInputException(config.distillation().hasHints()
                    ? "distillation.objectives lists a hint, which needs a teacher, but 'teachers' is empty"
                    : "distillation.alpha = " + config.distillation().alpha()
                    + " needs at least one teacher, but 'teachers' is empty; add a teacher or set alpha to 0");
        }
        if (config.distillation().hasHints() && config.cache().path() != null) {
            throw new InvalidInputException("distillation.objectives lists a hint, which reads a teacher output during"
                    + " training, but cache.path = " + config.cache().path() + " reads cached soft labels instead of"
                    + " running the teachers; drop cache.path or the hint");
        }
        TeacherSpecs teachers = teacherSpecs(config, spark.sparkContext().hadoopConfiguration());
        SoftLabelCache cache = config.cache().path() == null ? null
                : SoftLabelCache.open(config.cache().path(), spark.sparkContext().hadoopConfiguration());

        ExampleTable train = ExampleTables.train(spark, config.data(), labelsNeededBy(config.distillation()));
        if (cache != null) {
            train.requireIds("the soft-label cache (cache.path)", "data.id = " + config.data().id());
        }
        described.describe("spark-distill distill: reading the held-out data");
        Examples heldOut = ExampleTables.test(spark, config.data(), train).collect();
        teachers.requireFit(train.info().shape(), train.info().numClasses());
        if (heldOut.featureCount() != train.info().featureCount() || heldOut.numClasses() != train.info().numClasses()) {
            throw new InvalidInputException("test data " + heldOut + " does not match training data " + train.info());
        }
        Dataset<Row> trainRows = train.rows();
        described.describe("spark-distill distill: fingerprinting the training rows");
        DatasetFingerprint fingerprint = cache == null && checkpointDirectory == null ? null
                : DatasetFingerprint.of(train.rows());
        if (cache != null) {
            cache.requireTeachers(teachers.paths(), teachers.sha256s(), teachers.settings());
            cache.requireDataset(train.info(), fingerprint, describe(config.data()));
            trainRows = cache.joinTo(spark, train.rows());
        }

        TrainingPlan plan = planOf(config);
        StudentSpec student = StudentSpec.of(config.student(), spark.sparkContext().hadoopConfiguration());
        List<StudentSpec> peers = config.student().peerStudents().stream()
                .map(peer -> StudentSpec.of(peer, spark.sparkContext().hadoopConfiguration())).toList();
        List<DistillationObjective> objectives = ObjectiveSpecs.resolve(config.distillation(), teachers,
                train.info().shape());
        requireTrainable(peers.isEmpty() ? List.of(student) : peers, objectives, train.info(), plan);
        int workers = config.training().workers();
        TaskSlots.require(spark.sparkContext().getConf(), spark.sparkContext().defaultParallelism(), workers);
        return new PreparedDistill(config, checkpointDirectory, distils, teachers, cache, train, heldOut, trainRows,
                fingerprint, plan, student, peers, objectives,
                TaskSlots.describe(spark.sparkContext().getConf(), spark.sparkContext().defaultParallelism()));
    }

    /**
     * Where checkpoints go: the configured directory, else {@code <output>.checkpoints} beside the output. Each run
     * keeps its own in a folder named by its {@link DistillRunKey run key} there (see {@link RunCheckpoints}).
     */
    static String checkpointDirectory(DistillConfig config) {
        if (config.training().checkpointDirectory() != null) {
            return config.training().checkpointDirectory();
        }
        StoragePath output = StoragePath.of(config.output(), HadoopSettings.beforeSession());
        return output.sibling(output.name() + ".checkpoints").uri();
    }

    /** The file peer {@code k}'s model is written to, beside {@value #MODEL_FILE} (the kept peer's). */
    public static String peerFile(int k) {
        return "peer-" + k + ".zip";
    }

    /** The file codistillation group {@code g}'s student is written to, beside {@value #MODEL_FILE} (the kept one). */
    public static String groupFile(int g) {
        return "group-" + g + ".zip";
    }

    private static PeerChoice keepOf(StudentConfig student) {
        return student.keep().equals(StudentConfig.BEST) ? PeerChoice.best()
                : new PeerChoice(Integer.parseInt(student.keep()));
    }

    /**
     * Builds the student (or the peers) and the training graph once, on the driver, so that a student that does not
     * fit the data or an objective that does not fit the student is refused before Spark runs.
     */
    private static void requireTrainable(List<StudentSpec> students, List<DistillationObjective> objectives,
            DatasetInfo info, TrainingPlan plan) {
        List<Model> networks = new ArrayList<>();
        try {
            for (int k = 0; k < students.size(); k++) {
                networks.add(students.get(k).build(info.shape(), info.numClasses(), plan.seed() + k, 1));
            }
            TrainingGraph graph = networks.size() == 1
                    ? TrainingGraph.build(networks.get(0), info.featureCount(), info.numClasses(), objectives,
                            plan.seed())
                    : TrainingGraph.buildPeers(networks, info.featureCount(), info.numClasses(), objectives,
                            plan.seed(), ComputePath.FAST_WHERE_EXACT);
            NetworkMemory.release(graph.graph());
        } finally {
            networks.forEach(NetworkMemory::release);
        }
    }

    /** A barrier stage needs a task slot per worker at once; local Spark's slots are known before the job starts. */

    /**
     * What needs a label on every training row: the hard-label term, unless α is 1 at every step; null when α is.
     */
    static String labelsNeededBy(DistillationConfig d) {
        if (d.alpha() == 1 && (d.alphaEnd() == null || d.alphaEnd() == 1)) {
            return null;
        }
        return "distillation.alpha = " + d.alpha() + (d.alphaEnd() == null ? "" : " with distillation.alphaEnd = "
                + d.alphaEnd()) + " (the hard-label term, weighed 1 - alpha; distilling without labels needs alpha = 1"
                + " and alphaEnd unset or 1)";
    }

    /**
     * True unless α is zero at every step and no objective reads a teacher output, in which case the student learns
     * from hard labels alone.
     */
    static boolean distils(DistillationConfig d) {
        return d.alpha() > 0 || (d.alphaEnd() != null && d.alphaEnd() > 0) || d.hasHints();
    }

    static TrainingPlan planOf(DistillConfig config) {
        DistillationConfig d = config.distillation();
        Schedule temperature = d.temperatureEnd() == null ? Schedule.constant(d.temperature())
                : Schedule.linear(d.temperature(), d.temperatureEnd());
        Schedule alpha = d.alphaEnd() == null ? Schedule.constant(d.alpha()) : Schedule.linear(d.alpha(), d.alphaEnd());
        return new TrainingPlan(config.training().epochs(), config.training().batchSize(), config.training().seed(),
                temperature, alpha, config.training().checkpointEvery(), config.training().pipelineDepth());
    }

    static TeacherSpecs teacherSpecs(DistillConfig config, Configuration conf) {
        List<TeacherConfig> teachers = config.teachers();
        return TeacherSpecs.check(teachers.stream().map(TeacherConfig::path).toList(),
                teachers.stream().map(TeacherConfig::description).toList(),
                teachers.stream().mapToDouble(TeacherConfig::weight).toArray(), config.weighting(), conf);
    }

    /** The training data as the configuration gives it, for messages. */
    static String describe(DataConfig data) {
        return "data.train = " + data.train() + (data.limit() > 0 ? ", data.limit = " + data.limit() : "");
    }
}
