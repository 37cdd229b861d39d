package org.sparkdistill.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.LongAccumulator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.jobs.cache.CacheColumns;
import org.sparkdistill.jobs.cache.CacheManifest;
import org.sparkdistill.jobs.cache.DatasetFingerprint;
import org.sparkdistill.jobs.cache.InferenceTask;
import org.sparkdistill.jobs.config.CacheConfig;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.data.ExampleTable;
import org.sparkdistill.jobs.data.ExampleTables;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.InferenceResources;
import org.sparkdistill.jobs.spark.JobDescription;
import org.sparkdistill.jobs.spark.TaskFailures;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * Runs the configured teachers once over the training data and writes their logits to the soft-label cache at
 * {@code cache.path}, for {@code distill} to read instead of running the teachers.
 *
 * <p>Inference runs as ordinary Spark tasks, one per partition, each reading the teachers' model files; the tasks
 * ask for {@code cache.taskCpus} cores and {@code cache.taskGpus} GPUs through a stage-level resource profile where
 * the cluster manager supports one ({@link InferenceResources}). Each row keeps every teacher's {@code cache.topK}
 * largest logits and the log-sum-exp of the rest, or all logits when {@code topK} ≥ the class count, and the
 * activations of each teacher's {@code hints}.
 *
 * <p>Spark writes the Parquet table ({@value CacheManifest#TABLE}) and then the {@value CacheManifest#FILE_NAME} into
 * a staging directory beside the target, which is published by {@link PublishedOutput}: renamed into place, then
 * marked complete. A run that fails leaves no directory at {@code cache.path} (and any earlier cache there
 * untouched); a directory without the manifest and the marker is never taken as a cache.
 */
public final class TeacherInferJob {
    private static final Logger LOG = LoggerFactory.getLogger(TeacherInferJob.class);
    /** Rows per teacher forward pass. */
    static final int BATCH_SIZE = 256;

    private TeacherInferJob() {}

    /**
     * What a run wrote.
     *
     * @param resources the resource profile the inference stage ran with, or why it had none
     * @param resourceProfileId the id of that profile, or -1 when the stage kept the default one
     * @param inferenceNanos the wall time of the teachers' forward passes, summed over the inference tasks (each task
     *     runs on its own cores, so rows ÷ this time is a rate per task); reading, converting and writing rows are
     *     not in it
     * @param rowsInferred the rows the tasks ran through the teachers: the table's rows
     */
    public record Outcome(StoragePath cache, CacheManifest manifest, String resources, int resourceProfileId,
                          long inferenceNanos, long rowsInferred) {
        /** Rows per second of the teachers' forward passes in one task, on the task's cores. */
        public double rowsPerTaskSecond() {
            return rowsInferred / (inferenceNanos / 1e9);
        }
    }

    public static Outcome run(SparkSession spark, DistillConfig config) {
        CacheConfig settings = config.cache();
        if (settings.path() == null) {
            throw new InvalidInputException("cache.path is not set; teacher-infer writes the soft-label cache there");
        }
        if (config.teachers().isEmpty()) {
            throw new InvalidInputException("teacher-infer needs at least one teacher, but 'teachers' is empty");
        }
        TeacherSpecs teachers = DistillJob.teacherSpecs(config, spark.sparkContext().hadoopConfiguration());
        ExampleTable data = ExampleTables.train(spark, config.data(), null);
        data.requireIds("the soft-label cache (cache.path)", "data.id = " + config.data().id());
        int classes = data.info().numClasses();
        List<List<CacheManifest.HintColumn>> hints = probe(teachers, data.info().shape(), classes);
        InferenceResources.Plan resources = InferenceResources.plan(spark.sparkContext().getConf(),
                settings.taskCpus(), settings.taskGpus());
        if (resources.profile() == null && (settings.taskCpus() != 1 || settings.taskGpus() != 0)) {
            LOG.warn(resources.description());
        } else {
            LOG.info("teacher inference: {}", resources.description());
        }

        StoragePath target = StoragePath.of(settings.path(), spark.sparkContext().hadoopConfiguration());
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int profileId = -1;
        CacheManifest manifest;
        LongAccumulator inferenceNanos = spark.sparkContext().longAccumulator("teacher-infer forward-pass nanos");
        LongAccumulator rowsInferred = spark.sparkContext().longAccumulator("teacher-infer rows inferred");
        long started = System.nanoTime();
        try (JobDescription described = JobDescription.of(spark.sparkContext(), "spark-distill teacher-infer: "
                + teachers.paths().size() + " teacher(s) over " + data.info().rows() + " rows")) {
            DatasetFingerprint fingerprint = DatasetFingerprint.of(data.rows());
            if (fingerprint.rows() == 0) {
                throw new InvalidInputException(DistillJob.describe(config.data()) + " has no rows");
            }
            JavaRDD<Row> inferred = input(data.rows(), context.defaultParallelism())
                    .mapPartitions(new InferenceTask(teachers, data.info().shape(), settings.topK(), BATCH_SIZE,
                            inferenceNanos, rowsInferred));
            if (resources.profile() != null) {
                inferred = inferred.withResources(resources.profile());
                profileId = resources.profile().id();
            }
            List<List<String>> hintNames = hints.stream()
                    .map(list -> list.stream().map(CacheManifest.HintColumn::column).toList()).toList();
            Dataset<Row> table = spark.createDataFrame(inferred, CacheColumns.schema(hintNames));
            manifest = manifest(teachers, hints, settings.topK(), classes, fingerprint);
            PublishedOutput.publish(target, "teacher-infer", config.overwrite(), staging -> {
                table.write().mode(SaveMode.ErrorIfExists).parquet(staging.child(CacheManifest.TABLE).uri());
                manifest.writeTo(staging);
            });
        } catch (Exception e) {
            // Spark's own exceptions are checked in Java's eyes, though thrown undeclared.
            InvalidInputException badInput = TaskFailures.badInput(e);
            if (badInput != null) {
                throw badInput;
            }
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new IllegalStateException("teacher inference failed; nothing was written to " + target.describe()
                    + ": " + reason, e);
        }
        Outcome outcome = new Outcome(target, manifest, resources.description(), profileId, inferenceNanos.value(),
                rowsInferred.value());
        LOG.info("teacher-infer wrote {} rows to {} in {} s; the teachers' forward passes took {} s summed over the"
                + " tasks, {} rows/s per task", manifest.rows(), target.describe(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9),
                String.format(Locale.ROOT, "%.2f", outcome.inferenceNanos() / 1e9),
                String.format(Locale.ROOT, "%.0f", outcome.rowsPerTaskSecond()));
        return outcome;
    }

    /**
     * The id and features of every row, as internal rows, in at least as many partitions as Spark has task slots: a
     * prepared Parquet file whose row group cannot be split would otherwise be inferred by one task.
     */
    private static JavaRDD<InternalRow> input(Dataset<Row> rows, int slots) {
        Dataset<Row> selected = rows.select(ExampleFrames.ID, ExampleFrames.FEATURES);
        if (selected.rdd().getNumPartitions() < slots) {
            selected = selected.repartition(slots);
        }
        return selected.queryExecution().toRdd().toJavaRDD();
    }

    /**
     * Loads every teacher once, on the driver, to refuse a corrupt file, a shape mismatch or an unknown hint output
     * before Spark runs, and returns each teacher's hint columns with their widths, found by running it on one row.
     */
    private static List<List<CacheManifest.HintColumn>> probe(TeacherSpecs specs, int[] shape, int classes) {
        List<List<CacheManifest.HintColumn>> columns = new ArrayList<>();
        int featureCount = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        try (TeacherEnsemble ensemble = specs.load(shape)) {
            ensemble.requireCompatible(featureCount, classes);
            List<Teacher> teachers = ensemble.teachers();
            for (int k = 0; k < teachers.size(); k++) {
                List<String> hints = specs.descriptions().get(k).hints();
                List<INDArray> activations = teachers.get(k).activations(Nd4j.zeros(DataType.FLOAT, 1, featureCount),
                        hints);
                List<CacheManifest.HintColumn> list = new ArrayList<>();
                Set<String> names = new HashSet<>();
                for (int i = 0; i < hints.size(); i++) {
                    String column = CacheColumns.hint(k, hints.get(i));
                    if (!names.add(column)) {
                        throw new InvalidInputException("teachers[" + k + "].hints = " + hints + ": two of them would"
                                + " be stored in the same column " + column + "; list each output once");
                    }
                    list.add(new CacheManifest.HintColumn(hints.get(i), column, (int) activations.get(i).size(1)));
                }
                columns.add(list);
            }
        }
        return columns;
    }

    private static CacheManifest manifest(TeacherSpecs teachers,
            List<List<CacheManifest.HintColumn>> hints, int topK, int classes, DatasetFingerprint fingerprint) {
        List<CacheManifest.TeacherEntry> entries = new ArrayList<>();
        List<String> names = teachers.names();
        for (int k = 0; k < names.size(); k++) {
            entries.add(new CacheManifest.TeacherEntry(CacheColumns.teacher(k), names.get(k),
                    teachers.sha256s().get(k), teachers.descriptions().get(k).settings(), hints.get(k)));
        }
        return new CacheManifest(topK, topK >= classes, classes, fingerprint.rows(), fingerprint, entries,
                Instant.now().toString());
    }
}
