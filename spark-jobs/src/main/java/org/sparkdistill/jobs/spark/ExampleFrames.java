package org.sparkdistill.jobs.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;

/**
 * The table form of a dataset: one row per example with columns {@code id} (long), {@code features} (array&lt;float&gt;)
 * and {@code label} (int), and conversion to and from {@link Examples} and training shards.
 */
public final class ExampleFrames {
    public static final String ID = "id";
    public static final String FEATURES = "features";
    public static final String LABEL = "label";
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField(ID, DataTypes.LongType, false),
        DataTypes.createStructField(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false),
        DataTypes.createStructField(LABEL, DataTypes.IntegerType, false)});

    /** The ordinal of the first column after id, features and label in the rows {@link #shards} yields. */
    public static final int FIRST_EXTRA_COLUMN = 3;

    private ExampleFrames() {}

    /**
     * Reads, row by row, the columns a shard carries after id, features and label, such as a soft-label cache's.
     * {@link #readInternalRows} calls it once per row, in shard order, before reading the next row.
     */
    @FunctionalInterface
    public interface ExtraColumns {
        /** For shards without extra columns. */
        ExtraColumns NONE = (id, row, first) -> { };

        /**
         * @param id the row's id, for messages
         * @param row the row, valid only during the call
         * @param first the ordinal of the row's first extra column
         */
        void read(long id, InternalRow row, int first);
    }

    /** The examples as rows, {@code id} being the row's index in {@code examples}. */
    public static Dataset<Row> toFrame(SparkSession spark, Examples examples) {
        int width = examples.featureCount();
        List<Row> rows = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            float[] features = new float[width];
            System.arraycopy(examples.features(), i * width, features, 0, width);
            rows.add(RowFactory.create((long) i, features, examples.labels()[i]));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    /**
     * Collects rows of {@link #SCHEMA} into examples of the given shape and class count.
     *
     * @throws InvalidInputException naming the row id when a row's feature count differs from the shape
     */
    public static Examples fromRows(String name, Iterator<Row> rows, int[] shape, int numClasses) {
        int width = 1;
        for (int d : shape) {
            width *= d;
        }
        FloatBuffer features = new FloatBuffer();
        List<Integer> labels = new ArrayList<>();
        while (rows.hasNext()) {
            Row row = rows.next();
            List<Float> values = row.getList(row.fieldIndex(FEATURES));
            if (values.size() != width) {
                throw new InvalidInputException(name + ": row with id " + row.getLong(row.fieldIndex(ID)) + " has "
                        + values.size() + " features but the dataset's shape " + java.util.Arrays.toString(shape)
                        + " needs " + width);
            }
            for (Float v : values) {
                features.add(v);
            }
            labels.add(row.getInt(row.fieldIndex(LABEL)));
        }
        return new Examples(name, features.toArray(), labels.stream().mapToInt(Integer::intValue).toArray(), shape,
                numClasses);
    }

    /**
     * The rows of {@code frame} in {@code count} shards for data-parallel training: hash-partitioned by id, each shard
     * sorted by id, as Spark's internal rows in the column order of {@link #SCHEMA}, which {@link #readInternalRows}
     * reads without converting each value to a Java object.
     */
    public static JavaRDD<InternalRow> shards(Dataset<Row> frame, int count) {
        return shards(frame, count, List.of());
    }

    /**
     * {@link #shards(Dataset, int)} with the columns {@code extra} after id, features and label, from
     * {@link #FIRST_EXTRA_COLUMN} on, for an {@link ExtraColumns} to read.
     */
    public static JavaRDD<InternalRow> shards(Dataset<Row> frame, int count, List<String> extra) {
        List<Column> columns = new ArrayList<>(List.of(functions.col(ID), functions.col(FEATURES),
                functions.col(LABEL)));
        extra.forEach(name -> columns.add(functions.col(name)));
        return frame.select(columns.toArray(new Column[0])).repartition(count, functions.col(ID))
                .sortWithinPartitions(ID).queryExecution().toRdd().toJavaRDD();
    }

    /** Takes one row's features and label, as {@link #readInternalRows} reads them. */
    @FunctionalInterface
    public interface RowSink {
        void add(float[] features, int label);
    }

    /**
     * Reads internal rows in the column order of {@link #SCHEMA}, as {@link #shards} yields them, handing each row's
     * features (copied out of Spark's memory in one piece) and label to {@code sink}, then the row to {@code extra}.
     *
     * @throws InvalidInputException naming the row id when a row's features are missing or of the wrong count
     */
    public static void readInternalRows(String name, Iterator<InternalRow> rows, int[] shape, ExtraColumns extra,
            RowSink sink) {
        int width = 1;
        for (int d : shape) {
            width *= d;
        }
        while (rows.hasNext()) {
            InternalRow row = rows.next();
            ArrayData values = row.isNullAt(1) ? null : row.getArray(1);
            if (values == null || values.numElements() != width) {
                throw new InvalidInputException(name + ": row with id " + row.getLong(0) + " has "
                        + (values == null ? "no" : values.numElements()) + " features but the dataset's shape "
                        + java.util.Arrays.toString(shape) + " needs " + width);
            }
            sink.add(values.toFloatArray(), row.getInt(2));
            extra.read(row.getLong(0), row, FIRST_EXTRA_COLUMN);
        }
    }

    /**
     * Checks that a table has the three columns with their types.
     *
     * @throws InvalidInputException naming the source and every missing or mistyped column
     */
    public static void requireSchema(StructType actual, String source) {
        List<String> problems = new ArrayList<>();
        for (StructField expected : SCHEMA.fields()) {
            StructField found = find(actual, expected.name());
            if (found == null) {
                problems.add("column '" + expected.name() + "' is missing");
            } else if (!sameType(expected.dataType(), found.dataType())) {
                problems.add("column '" + expected.name() + "' has type " + found.dataType().simpleString()
                        + " but must be " + expected.dataType().simpleString());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(source + " does not have the dataset schema (id long, features array<float>, "
                    + "label int): " + String.join("; ", problems));
        }
    }

    private static StructField find(StructType schema, String name) {
        for (StructField field : schema.fields()) {
            if (field.name().equals(name)) {
                return field;
            }
        }
        return null;
    }

    /** Whether a column of type {@code found} can be read as {@code expected}: arrays compare element types only. */
    public static boolean sameType(DataType expected, DataType found) {
        if (expected instanceof ArrayType e && found instanceof ArrayType f) {
            return e.elementType().equals(f.elementType());
        }
        return expected.equals(found);
    }

    /** A growable float array, to avoid boxing a whole partition's features. */
    private static final class FloatBuffer {
        private float[] data = new float[1 << 16];
        private int size;

        void add(float v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
