package org.sparkdistill.jobs.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.TableChecks;
import org.sparkdistill.jobs.storage.OutputMarker;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * A soft-label cache opened for {@code distill}: its manifest read and checked against the job's teachers and
 * training data before any training, and its logits joined to the training rows by id.
 */
public final class SoftLabelCache {
    private final StoragePath directory;
    private final CacheManifest manifest;

    private SoftLabelCache(StoragePath directory, CacheManifest manifest) {
        this.directory = directory;
        this.manifest = manifest;
    }

    /**
     * Opens the cache at {@code path} (key {@code cache.path}) on the file system {@code conf} gives it.
     *
     * @throws InvalidInputException when it is missing, has no manifest, the manifest is unreadable, or the output
     *     marker {@code teacher-infer} writes last is missing (its publishing did not finish)
     */
    public static SoftLabelCache open(String path, Configuration conf) {
        StoragePath directory = StoragePath.of(path, conf);
        CacheManifest manifest = CacheManifest.readFrom(directory);
        if (OutputMarker.command(directory).isEmpty()) {
            throw new InvalidInputException("soft-label cache " + directory.describe() + " has no "
                    + OutputMarker.FILE_NAME + ": its publishing did not finish (teacher-infer writes that marker"
                    + " last); run 'spark-distill teacher-infer' again");
        }
        return new SoftLabelCache(directory, manifest);
    }

    public CacheManifest manifest() {
        return manifest;
    }

    /**
     * Checks that the cache holds the logits of exactly these teachers, in this order.
     *
     * @param paths the teachers' model files as configured
     * @param sha256s the SHA-256 of each
     * @throws InvalidInputException naming the field that differs and both values
     */
    public void requireTeachers(List<String> paths, List<String> sha256s, List<String> settings) {
        List<CacheManifest.TeacherEntry> cached = manifest.teachers();
        if (cached.size() != paths.size()) {
            throw mismatch("the number of teachers", cached.size() + " ("
                    + cached.stream().map(CacheManifest.TeacherEntry::file).collect(Collectors.joining(", ")) + ")",
                    paths.size() + " (" + String.join(", ", paths) + ")");
        }
        for (int k = 0; k < paths.size(); k++) {
            String sha256 = sha256s.get(k);
            if (!sha256.equals(cached.get(k).sha256())) {
                throw mismatch("teachers[" + k + "].sha256", cached.get(k).sha256() + " (" + cached.get(k).file() + ")",
                        sha256 + " (" + paths.get(k) + ")");
            }
            if (!settings.get(k).equals(cached.get(k).settings())) {
                throw mismatch("teachers[" + k + "].settings", cached.get(k).settings(), settings.get(k));
            }
        }
    }

    /**
     * Checks that the cache was written for exactly these training rows.
     *
     * @param source the training data as the configuration names it, for messages
     * @throws InvalidInputException naming the field that differs and both values
     */
    public void requireDataset(DatasetInfo info, DatasetFingerprint fingerprint, String source) {
        if (manifest.numClasses() != info.numClasses()) {
            throw mismatch("numClasses", String.valueOf(manifest.numClasses()), info.numClasses() + " (" + source + ")");
        }
        DatasetFingerprint cached = manifest.dataset();
        if (cached.rows() != fingerprint.rows()) {
            throw mismatch("dataset.rows", String.valueOf(cached.rows()), fingerprint.rows() + " (" + source + ")");
        }
        if (!cached.xor().equals(fingerprint.xor())) {
            throw mismatch("dataset.xxhash64Xor", cached.xor(), fingerprint.xor() + " (" + source
                    + ": as many rows, but other ids, features or labels)");
        }
        if (!cached.sum().equals(fingerprint.sum())) {
            throw mismatch("dataset.xxhash64Sum", cached.sum(), fingerprint.sum() + " (" + source
                    + ": as many rows, but other ids, features or labels)");
        }
    }

    private InvalidInputException mismatch(String field, String inManifest, String inJob) {
        return new InvalidInputException("soft-label cache " + directory.describe() + " does not match this job: " + field
                + " is " + inManifest + " in its " + CacheManifest.FILE_NAME + " but " + inJob + " in this job;"
                + " write the cache again with 'spark-distill teacher-infer' and this job's configuration");
    }

    /** What a training task needs to read the logit columns this cache adds to its shard. */
    public CachedRows.Layout layout() {
        return new CachedRows.Layout(directory.describe(), manifest.teachers().size(), manifest.numClasses());
    }

    /**
     * The training rows with the cache's logit columns ({@link CachedRows.Layout#columns()}) joined by id; a training
     * row without a cache row keeps nulls there, which {@link CachedRows} refuses naming its id.
     *
     * @throws InvalidInputException when the cache table lacks a logit column, has one of another type, or holds a
     *     different number of rows than its manifest says, or when an id occurs twice in either table
     */
    public Dataset<Row> joinTo(SparkSession spark, Dataset<Row> train) {
        Dataset<Row> table = spark.read().parquet(directory.child(CacheManifest.TABLE).uri());
        requireColumns(table.schema());
        long rows = table.count();
        if (rows != manifest.rows()) {
            throw new InvalidInputException("soft-label cache " + directory.describe() + " holds " + rows + " rows but its "
                    + CacheManifest.FILE_NAME + " says " + manifest.rows() + "; its files were changed after it was"
                    + " written; write it again with 'spark-distill teacher-infer'");
        }
        TableChecks.requireUniqueIds(train, "the training table");
        TableChecks.requireUniqueIds(table, "the soft-label cache table " + directory.child(CacheManifest.TABLE).describe());
        List<Column> columns = new ArrayList<>();
        columns.add(functions.col(ExampleFrames.ID));
        layout().columns().forEach(name -> columns.add(functions.col(name)));
        Dataset<Row> logits = table.select(columns.toArray(new Column[0]));
        return train.join(logits, train.col(ExampleFrames.ID).equalTo(logits.col(ExampleFrames.ID)), "left_outer")
                .drop(logits.col(ExampleFrames.ID));
    }

    private void requireColumns(StructType schema) {
        List<String> problems = new ArrayList<>();
        for (int k = 0; k < manifest.teachers().size(); k++) {
            expect(schema, CacheColumns.values(k), DataTypes.createArrayType(DataTypes.FloatType), problems);
            expect(schema, CacheColumns.indices(k), DataTypes.createArrayType(DataTypes.IntegerType), problems);
            expect(schema, CacheColumns.tail(k), DataTypes.FloatType, problems);
        }
        expect(schema, ExampleFrames.ID, DataTypes.LongType, problems);
        if (!problems.isEmpty()) {
            throw new InvalidInputException("soft-label cache " + directory.describe() + " is not readable: "
                    + String.join("; ", problems));
        }
    }

    private static void expect(StructType schema, String name, DataType type, List<String> problems) {
        StructField found = null;
        for (StructField field : schema.fields()) {
            if (field.name().equals(name)) {
                found = field;
            }
        }
        if (found == null) {
            problems.add("column '" + name + "' is missing");
        } else if (!ExampleFrames.sameType(type, found.dataType())) {
            problems.add("column '" + name + "' has type " + found.dataType().simpleString() + " but must be "
                    + type.simpleString());
        }
    }
}
