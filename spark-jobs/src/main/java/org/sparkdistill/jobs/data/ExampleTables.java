package org.sparkdistill.jobs.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.jobs.config.DataConfig;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.TableChecks;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * Turns a data description into the checked table every job reads: rows of {@link ExampleFrames#SCHEMA} (id long,
 * features array&lt;float&gt;, label int) and what they hold.
 *
 * <p>The data is an IDX directory (read on the executors by {@link IdxFrames}), a directory written by {@code prepare}
 * (its description gives the shape, classes and label index), any path Spark reads in {@code data.format} with
 * {@code data.options} (csv reads a header and infers column types unless the options say otherwise), or a catalog
 * table. Columns are named by {@code data.features} ({@link FeatureColumns}), {@code data.label} (integers, or strings
 * mapped through a {@link LabelIndex}) and {@code data.id} (integers; a table without one gets
 * {@code monotonically_increasing_id()}, a function of each row's input partition and position in it, so the same
 * within every attempt of one run over unchanged files). The schema is checked before any job runs, and the rows by
 * {@link TableChecks}. Stateless and thread-safe.
 */
public final class ExampleTables {
    /** The class count of an IDX directory: Fashion-MNIST's and MNIST's. */
    static final int IDX_CLASSES = 10;
    /** The column of an image folder that names each file. */
    static final String IMAGE_PATH = "path";
    private static final Map<String, String> CSV_DEFAULTS = Map.of("header", "true", "inferSchema", "true");
    private static final String DROP_INVALID = "dropInvalid";

    private ExampleTables() {}

    /**
     * Where one table is: a path (an IDX directory, a {@code prepare} output or a table Spark reads) or a catalog
     * table.
     *
     * @param key the setting or flag that names it, for messages
     * @param location the path, URI or table name
     * @param catalog true for a catalog table
     * @param idxSplit the IDX split an IDX directory is read for: "train" or "t10k"
     */
    public record Source(String key, String location, boolean catalog, String idxSplit) {
        @Override
        public String toString() {
            return key + " = " + Excerpt.of(location);
        }
    }

    /**
     * What is known of a table before it is read: from the configuration, or from the training table for a test table.
     *
     * @param shape the example shape, or null to take it from the data
     * @param classes the class count, or 0 to take it from the data
     * @param labels the label index string labels map through, or null to build one
     * @param labelsNeededBy what needs a label on every row, for the message refusing a table without labels; null
     *     when a table without a label column is read as unlabeled
     */
    public record Expected(int[] shape, int classes, LabelIndex labels, String labelsNeededBy) {
        /** What {@code data} fixes: {@code data.shape}, {@code data.classes} and {@code data.labels}. */
        public static Expected of(DataConfig data, String labelsNeededBy) {
            int[] shape = data.shape() == null ? null : data.shape().stream().mapToInt(Integer::intValue).toArray();
            LabelIndex labels = data.labels().isEmpty() ? null : new LabelIndex(data.labels());
            return new Expected(shape, data.classes(), labels, labelsNeededBy);
        }
    }

    /**
     * The training table {@code data} describes, cut to {@code data.limit} rows by id.
     *
     * @param labelsNeededBy what needs labels (see {@link Expected}), or null when the table may have none
     * @throws InvalidInputException naming the setting, the column, its type and what was expected
     */
    public static ExampleTable train(SparkSession spark, DataConfig data, String labelsNeededBy) {
        Source source = data.table() != null ? new Source("data.table", data.table(), true, "train")
                : new Source("data.train", data.train(), false, "train");
        return read(spark, source, data, Expected.of(data, labelsNeededBy), data.limit());
    }

    /**
     * The labelled test table {@code data} describes, read with the training table's shape, classes and label index:
     * {@code data.testTable}, {@code data.test}, or the test files of an IDX training directory.
     *
     * @throws InvalidInputException when there is no test data, it has no labels, or does not fit the training table
     */
    public static ExampleTable test(SparkSession spark, DataConfig data, ExampleTable train) {
        Source source;
        if (data.testTable() != null) {
            source = new Source("data.testTable", data.testTable(), true, "t10k");
        } else if (data.test() != null) {
            source = new Source("data.test", data.test(), false, "t10k");
        } else if (data.train() != null
                && IdxFrames.isIdxDirectory(data.train(), "t10k", spark.sparkContext().hadoopConfiguration())) {
            source = new Source("data.train", data.train(), false, "t10k");
        } else {
            throw new InvalidInputException("data.test and data.testTable are not set and " + train.source()
                    + " is not an IDX directory with test files; set data.test to held-out data or data.testTable to a"
                    + " catalog table");
        }
        return read(spark, source, data, new Expected(train.info().shape(), train.info().numClasses(), train.labels(),
                "test accuracy"), 0);
    }

    /**
     * The table at {@code source}, with the columns {@code data} names, checked.
     *
     * @param limit the number of rows to keep, the first by id; 0 keeps all
     * @throws InvalidInputException naming the source, the column, its type and what was expected
     */
    public static ExampleTable read(SparkSession spark, Source source, DataConfig data, Expected expected, int limit) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        if (!source.catalog() && IdxFrames.isIdxDirectory(source.location(), source.idxSplit(), conf)) {
            return idx(spark, source, expected, limit, conf);
        }
        PreparedDescription prepared = source.catalog() ? null
                : PreparedDescription.readIfPresent(source.location(), conf);
        Dataset<Row> frame = load(spark, source, data, prepared != null);
        StructType schema = frame.schema();
        String where = source.toString();
        int[] shape = expected.shape() != null ? expected.shape() : prepared == null ? null : prepared.info().shape();
        FeatureColumns.Features features = FeatureColumns.of(schema, data.features(), shape, where);
        if (features.origin() != null) {
            if (Boolean.parseBoolean(data.options().getOrDefault(DROP_INVALID, "false"))) {
                frame = frame.where(features.column().isNotNull());
            } else {
                requireDecodedImages(frame, features, where);
            }
        }
        LabelIndex known = expected.labels() != null ? expected.labels() : prepared == null ? null : prepared.labels();
        Labels labels = labels(frame, data.label(), known, expected.labelsNeededBy(), where);
        LabelIndex index = labels.index();
        StructField idField = FeatureColumns.find(schema, data.id());
        if (idField != null && !isIntegral(idField.dataType())) {
            throw new InvalidInputException(where + ": id column " + Excerpt.quoted(data.id()) + " (data.id) has type "
                    + idField.dataType().simpleString() + ", but must be an integer");
        }
        Column id = idField == null ? monotonically_increasing_id()
                : col(FeatureColumns.quoted(data.id())).cast(DataTypes.LongType);
        Dataset<Row> rows = frame.select(id.as(ExampleFrames.ID), features.column().as(ExampleFrames.FEATURES),
                labels.column().as(ExampleFrames.LABEL));
        if (limit > 0) {
            rows = rows.orderBy(ExampleFrames.ID).limit(limit);
        }
        if (shape == null) {
            shape = new int[] {features.width() > 0 ? features.width() : widthOfFirstRow(rows, where)};
        }
        int classes = classes(rows, expected, index, prepared, labels.labelled(), where);
        long count = prepared != null && limit == 0 ? prepared.info().rows() : rows.count();
        DatasetInfo info = new DatasetInfo(shape, classes, count);
        TableChecks.requireValidRows(rows, info.featureCount(), classes, where, labels.labelled());
        return new ExampleTable(rows, info, index, labels.labelled(), idField != null, where);
    }

    /**
     * The label column as class indices.
     *
     * @param index the label index string labels went through, or the one known beforehand; else null
     * @param labelled false when the table has no label column
     */
    private record Labels(Column column, LabelIndex index, boolean labelled) {}

    private static Labels labels(Dataset<Row> frame, String name, LabelIndex known, String neededBy, String where) {
        StructField field = FeatureColumns.find(frame.schema(), name);
        if (field == null && neededBy != null) {
            throw new InvalidInputException(where + " has no label column " + Excerpt.quoted(name)
                    + " (data.label), but " + neededBy + " needs labels; its columns are "
                    + Excerpt.of(String.join(", ", frame.schema().fieldNames())));
        }
        if (field == null) {
            return new Labels(lit(Examples.UNLABELED), known, false);
        }
        Column column = col(FeatureColumns.quoted(name));
        if (field.dataType().equals(DataTypes.StringType)) {
            LabelIndex index = known != null ? known : indexOf(frame, name);
            requireIndexed(frame, name, index, where);
            return new Labels(labelsThrough(column, index), index, true);
        }
        if (isIntegral(field.dataType())) {
            return new Labels(column.cast(DataTypes.IntegerType), known, true);
        }
        throw new InvalidInputException(where + ": label column " + Excerpt.quoted(name) + " (data.label) has type "
                + field.dataType().simpleString() + ", but must be an integer or a string");
    }

    /**
     * Writes the description of {@code table} into {@code directory}, where {@link #read} finds its shape, classes
     * and label index when it reads the Parquet table there.
     */
    public static void describe(ExampleTable table, String directory, Configuration conf) throws java.io.IOException {
        new PreparedDescription(table.info(), table.labels()).writeTo(directory, conf);
    }

    private static ExampleTable idx(SparkSession spark, Source source, Expected expected, int limit,
            Configuration conf) {
        IdxFrames.Split split = IdxFrames.split(source.location(), source.idxSplit(), conf, source.key());
        int count = limit > 0 ? Math.min(limit, split.count()) : split.count();
        int[] shape = expected.shape() != null ? expected.shape() : split.shape();
        int classes = expected.classes() > 0 ? expected.classes() : IDX_CLASSES;
        DatasetInfo info = new DatasetInfo(shape, classes, count);
        if (info.featureCount() != split.shape()[1] * split.shape()[2]) {
            throw new InvalidInputException(source + ": its images have shape " + Arrays.toString(split.shape())
                    + ", but the data's shape is " + Arrays.toString(shape));
        }
        Dataset<Row> rows = IdxFrames.read(spark, split, count, conf);
        String where = source + " (IDX " + source.idxSplit() + " files)";
        TableChecks.requireValidRows(rows, info.featureCount(), classes, where, true);
        return new ExampleTable(rows, info, expected.labels(), true, true, where);
    }

    /** The table as Spark reads it; a {@code prepare} output as Parquet whatever the format. */
    private static Dataset<Row> load(SparkSession spark, Source source, DataConfig data, boolean prepared) {
        try {
            if (source.catalog()) {
                return spark.table(source.location());
            }
            if (!StoragePath.of(source.location(), spark.sparkContext().hadoopConfiguration()).exists()) {
                throw new InvalidInputException(source + ": no such file or directory");
            }
            if (prepared) {
                return spark.read().parquet(source.location());
            }
            String format = data.format().toLowerCase(Locale.ROOT);
            Map<String, String> options = new HashMap<>(format.equals("csv") ? CSV_DEFAULTS : Map.of());
            options.putAll(data.options());
            if (format.equals("image")) {
                return imageFiles(spark, source, data, options);
            }
            return spark.read().format(data.format()).options(options).load(source.location());
        } catch (InvalidInputException e) {
            throw e;
        } catch (Exception e) {
            // Spark's AnalysisException is checked in Java's eyes, though thrown undeclared.
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new InvalidInputException(source + (source.catalog() ? "" : " (data.format = "
                    + Excerpt.quoted(data.format()) + ")") + " cannot be read: " + Excerpt.of(reason), e);
        }
    }

    /**
     * The files of an image folder, read by Spark's {@code image} data source: Spark's image struct (origin, height,
     * width, channels, mode, B-G-R bytes) in the column {@code data.features} names, and the partition columns of
     * folders such as {@code label=cat/}. Files Spark cannot decode come as rows of height -1, which
     * {@link #requireDecodedImages} names (or which are dropped with {@code data.options.dropInvalid}).
     */
    private static Dataset<Row> imageFiles(SparkSession spark, Source source, DataConfig data,
            Map<String, String> options) {
        options.remove(DROP_INVALID);
        if (data.features().size() != 1 || data.features().get(0).contains("*")) {
            throw new InvalidInputException("data.features = " + data.features() + ": with data.format = image it names"
                    + " the one column to hold the images");
        }
        return spark.read().format("image").options(options).load(source.location())
                .withColumnRenamed("image", data.features().get(0));
    }

    /** Refuses images that could not be decoded (Spark's image source gives such a row height -1), naming them. */
    private static void requireDecodedImages(Dataset<Row> frame, FeatureColumns.Features features, String where) {
        Dataset<Row> invalid = frame.where(features.column().isNull()).select(features.origin().cast("string"));
        long count = invalid.count();
        if (count > 0) {
            String first = invalid.limit(3).collectAsList().stream().map(row -> Excerpt.quoted(row.getString(0)))
                    .collect(Collectors.joining(", "));
            throw new InvalidInputException(where + ": " + count + (count == 1 ? " file is" : " files are")
                    + " not an image Spark's image source can decode (" + first + "); remove "
                    + (count == 1 ? "it" : "them") + ", or set data.options.dropInvalid to true to skip such files");
        }
    }

    /** The sorted distinct strings of the label column. */
    private static LabelIndex indexOf(Dataset<Row> frame, String column) {
        List<String> names = frame.select(col(FeatureColumns.quoted(column))).where(col(FeatureColumns.quoted(column))
                .isNotNull()).distinct().collectAsList().stream().map(row -> row.getString(0)).sorted().toList();
        if (names.size() < 2) {
            throw new InvalidInputException("label column " + Excerpt.quoted(column) + " holds " + names.size()
                    + " distinct label(s) " + Excerpt.of(names) + "; a classifier needs at least 2");
        }
        return new LabelIndex(names);
    }

    /** Refuses a string label the index does not hold, naming the first few. */
    private static void requireIndexed(Dataset<Row> frame, String column, LabelIndex index, String where) {
        Column label = col(FeatureColumns.quoted(column));
        List<String> unknown = frame.select(label).where(label.isNotNull()
                .and(not(label.isin(index.names().toArray())))).distinct().limit(3).collectAsList().stream()
                .map(row -> Excerpt.quoted(row.getString(0))).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new InvalidInputException(where + ": label " + String.join(", ", unknown) + " in column "
                    + Excerpt.quoted(column) + " (data.label) is not in the label index " + Excerpt.of(index.names())
                    + "; a string label must be one the model was trained with (data.labels fixes the index)");
        }
    }

    /** Each string label's index: its 1-based position among the names, less one. */
    private static Column labelsThrough(Column label, LabelIndex index) {
        Column names = array(index.names().stream().map(name -> lit(name)).toArray(Column[]::new));
        return array_position(names, label).minus(1).cast(DataTypes.IntegerType);
    }

    private static int widthOfFirstRow(Dataset<Row> rows, String where) {
        List<Row> first = rows.select(size(col(ExampleFrames.FEATURES))).where(col(ExampleFrames.FEATURES).isNotNull())
                .limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new InvalidInputException(where + " has no rows with features, so the example shape cannot be taken"
                    + " from it; set data.shape");
        }
        return first.get(0).getInt(0);
    }

    private static int classes(Dataset<Row> rows, Expected expected, LabelIndex index, PreparedDescription prepared,
            boolean labelled, String where) {
        if (expected.classes() > 0) {
            return expected.classes();
        }
        if (index != null) {
            return index.size();
        }
        if (prepared != null) {
            return prepared.info().numClasses();
        }
        if (!labelled) {
            throw new InvalidInputException(where + " has no labels, so its class count cannot be taken from it; set"
                    + " data.classes to the teachers' class count");
        }
        Row largest = rows.select(max(col(ExampleFrames.LABEL))).head();
        int classes = largest.isNullAt(0) ? 0 : largest.getInt(0) + 1;
        if (classes < 2) {
            throw new InvalidInputException(where + ": the largest label is " + (largest.isNullAt(0) ? "absent"
                    : largest.getInt(0)) + ", so the labels make fewer than 2 classes; set data.classes");
        }
        return classes;
    }

    private static boolean isIntegral(DataType type) {
        return type.equals(DataTypes.ByteType) || type.equals(DataTypes.ShortType)
                || type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType);
    }
}
