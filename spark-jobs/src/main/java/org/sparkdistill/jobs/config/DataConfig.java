package org.sparkdistill.jobs.config;

import java.util.List;
import java.util.Map;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.ShuffleOrder;

/**
 * Where the examples come from and which columns hold them.
 *
 * <p>The training data is a path ({@code train}) or a catalog table ({@code table}), never both; so is the test data
 * ({@code test} or {@code testTable}). A path is an IDX directory (Fashion-MNIST layout), a directory written by
 * {@code prepare}, or anything Spark reads in {@code format} with {@code options}. Both sets are read with the same
 * format, options and columns.
 *
 * @param train IDX directory, {@code prepare} output, or a path or URI Spark reads in {@code format}; null with
 *     {@code table}
 * @param test held-out data in the same form, or null to let the job choose (the test files of an IDX training
 *     directory)
 * @param limit use the first {@code limit} training rows; 0 uses all
 * @param format the Spark data source of a path: parquet, orc, csv, json, image, or any other on the classpath
 * @param options the data source's options, e.g. {@code header} and {@code delimiter} for csv
 * @param table the training data as a catalog table, e.g. {@code db.name}; null with {@code train}
 * @param testTable the test data as a catalog table; null with {@code test} or without test data
 * @param features the feature column (array of float or double, ML vector, image struct), or the numeric columns
 *     assembled into the features in this order; a single name with {@code *} selects the numeric columns whose
 *     names match it, in the table's order
 * @param label the label column: integer, or string (mapped through a label index)
 * @param id the id column, integer; when the table has none, rows get ids from their position
 * @param shape the shape of one example, e.g. [1, 28, 28]; null takes it from the data
 * @param classes the class count; 0 takes it from the data
 * @param labels the string labels in index order, fixing the label index; empty sorts the labels found
 * @param shardMemory bytes of its shard a replica keeps in memory before it spills the shard to the executor's local
 *     disk; null for a quarter of the executor's heap shared among its task slots
 * @param shuffleBlock rows per block of the epoch order, read from a spilled shard in one piece
 * @param shuffleBuffer rows in the shuffle buffer of the epoch order
 */
public record DataConfig(String train, String test, int limit, String format, Map<String, String> options,
                         String table, String testTable, List<String> features, String label, String id,
                         List<Integer> shape, int classes, List<String> labels, Long shardMemory, int shuffleBlock,
                         int shuffleBuffer) {
    static final Field<String> TRAIN = Field.text("data.train", null);
    static final Field<String> TEST = Field.text("data.test", null);
    static final Field<Integer> LIMIT = Field.integer("data.limit", 0, Range.closed(0, Integer.MAX_VALUE));
    static final Field<String> FORMAT = Field.text("data.format", "parquet");
    static final Field<Map<String, String>> OPTIONS = Field.textMap("data.options", Map.of());
    static final Field<String> TABLE = Field.text("data.table", null);
    static final Field<String> TEST_TABLE = Field.text("data.testTable", null);
    static final Field<List<String>> FEATURES = Field.names("data.features", List.of("features"));
    static final Field<String> LABEL = Field.text("data.label", "label");
    static final Field<String> ID = Field.text("data.id", "id");
    static final Field<List<Integer>> SHAPE = Field.integers("data.shape", null, Range.closed(1, Integer.MAX_VALUE));
    static final Field<Integer> CLASSES = Field.integer("data.classes", 0, Range.closed(0, Integer.MAX_VALUE));
    static final Field<List<String>> LABELS = Field.names("data.labels", List.of());
    static final Field<Long> SHARD_MEMORY = Field.bytes("data.shardMemory");
    static final Field<Integer> SHUFFLE_BLOCK = Field.integer("data.shuffleBlock", ShuffleOrder.DEFAULT_BLOCK_ROWS,
            Range.closed(1, Integer.MAX_VALUE));
    static final Field<Integer> SHUFFLE_BUFFER = Field.integer("data.shuffleBuffer", ShuffleOrder.DEFAULT_BUFFER_ROWS,
            Range.closed(1, Integer.MAX_VALUE));

    /** Checks every component; throws {@link InvalidInputException} naming the key. */
    public DataConfig {
        train = TRAIN.require(train);
        test = TEST.require(test);
        limit = LIMIT.require(limit);
        format = FORMAT.require(format);
        options = OPTIONS.require(options);
        table = TABLE.require(table);
        testTable = TEST_TABLE.require(testTable);
        features = FEATURES.require(features);
        label = LABEL.require(label);
        id = ID.require(id);
        shape = SHAPE.require(shape);
        classes = CLASSES.require(classes);
        labels = LABELS.require(labels);
        shardMemory = SHARD_MEMORY.require(shardMemory);
        shuffleBlock = SHUFFLE_BLOCK.require(shuffleBlock);
        shuffleBuffer = SHUFFLE_BUFFER.require(shuffleBuffer);
        if ((train == null) == (table == null)) {
            throw new InvalidInputException(train == null
                    ? TRAIN.key() + ": required but missing; set it to a path, or " + TABLE.key()
                            + " to a catalog table"
                    : TRAIN.key() + " = " + Field.show(train) + " and " + TABLE.key() + " = " + Field.show(table)
                            + ": set one of them, not both");
        }
        if (test != null && testTable != null) {
            throw new InvalidInputException(TEST.key() + " = " + Field.show(test) + " and " + TEST_TABLE.key() + " = "
                    + Field.show(testTable) + ": set one of them, not both");
        }
        if (features.isEmpty()) {
            throw new InvalidInputException(FEATURES.key() + " = []: must name the feature column or columns");
        }
        if (classes == 1) {
            throw new InvalidInputException(CLASSES.key() + " = 1: must be 0 (from the data) or at least 2");
        }
        if (!labels.isEmpty() && labels.size() < 2) {
            throw new InvalidInputException(LABELS.key() + " = " + labels + ": must name at least 2 labels, or none");
        }
        if (!labels.isEmpty() && labels.stream().distinct().count() != labels.size()) {
            throw new InvalidInputException(LABELS.key() + " = " + labels + ": names a label more than once");
        }
    }

    /** Training data at {@code train}, held-out data at {@code test}, every column setting at its default. */
    public DataConfig(String train, String test, int limit) {
        this(train, test, limit, FORMAT.fallback(), OPTIONS.fallback(), null, null, FEATURES.fallback(),
                LABEL.fallback(), ID.fallback(), null, CLASSES.fallback(), LABELS.fallback(), null,
                ShuffleOrder.DEFAULT_BLOCK_ROWS, ShuffleOrder.DEFAULT_BUFFER_ROWS);
    }

    /**
     * A description of one table, at the path {@code train} or the catalog table {@code table}, without test data;
     * every other setting given as null takes its default.
     *
     * @throws InvalidInputException naming the key of an invalid setting
     */
    public static DataConfig of(String train, String table, String format, Map<String, String> options,
            List<String> features, String label, String id, List<Integer> shape, int classes, List<String> labels) {
        return new DataConfig(train, null, 0, format == null ? FORMAT.fallback() : format,
                options == null ? OPTIONS.fallback() : options, table, null,
                features == null ? FEATURES.fallback() : features, label == null ? LABEL.fallback() : label,
                id == null ? ID.fallback() : id, shape, classes, labels == null ? LABELS.fallback() : labels, null,
                ShuffleOrder.DEFAULT_BLOCK_ROWS, ShuffleOrder.DEFAULT_BUFFER_ROWS);
    }

    /** This data with the given shard memory and shuffle order settings. */
    public DataConfig withShards(Long memory, int block, int buffer) {
        return new DataConfig(train, test, limit, format, options, table, testTable, features, label, id, shape,
                classes, labels, memory, block, buffer);
    }

    /** The order every epoch visits a shard's rows in. */
    public ShuffleOrder shuffleOrder() {
        return new ShuffleOrder(shuffleBlock, shuffleBuffer);
    }
}
