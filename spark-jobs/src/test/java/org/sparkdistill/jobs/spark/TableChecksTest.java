package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.config.DataConfig;
import org.sparkdistill.jobs.data.ExampleTables;
import org.sparkdistill.jobs.storage.StoragePath;

/** Rows that cannot be trained on and repeated ids, found by Spark queries on small tables. */
class TableChecksTest {
    /** The example schema with every column and feature nullable, as a Parquet file written elsewhere may be. */
    static final StructType NULLABLE = new StructType()
            .add(ExampleFrames.ID, DataTypes.LongType, true)
            .add(ExampleFrames.FEATURES, DataTypes.createArrayType(DataTypes.FloatType, true), true)
            .add(ExampleFrames.LABEL, DataTypes.IntegerType, true);
    static final String RULE = "every row needs an id, 2 finite features and a label in [0, 2]";

    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[1]").appName("table-checks-test")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Row row(Long id, Float[] features, Integer label) {
        return RowFactory.create(id, features == null ? null : Arrays.asList(features), label);
    }

    static Dataset<Row> table(Row... rows) {
        return spark.createDataFrame(List.of(rows), NULLABLE);
    }

    static String refusedRows(Dataset<Row> rows) {
        return assertThrows(InvalidInputException.class,
                () -> TableChecks.requireValidRows(rows, 2, 3, "data.train = t")).getMessage();
    }

    @Test
    void goodRowsPassAndAnEmptyTableToo() {
        TableChecks.requireValidRows(table(row(1L, new Float[] {0f, -Float.MAX_VALUE}, 0), row(2L, new Float[] {1f, 2f}, 2)),
                2, 3, "t");
        TableChecks.requireValidRows(table(), 2, 3, "t");
        TableChecks.requireUniqueIds(table(row(1L, new Float[] {0f, 1f}, 0), row(2L, new Float[] {0f, 1f}, 0)), "t");
        TableChecks.requireUniqueIds(table(), "t");
    }

    @Test
    void eachKindOfBadRowIsNamedWithItsId() {
        Float[] ok = {1f, 2f};
        assertEquals("data.train = t: 1 row cannot be trained on (id 5: features[1] = NaN); " + RULE,
                refusedRows(table(row(1L, ok, 0), row(5L, new Float[] {1f, Float.NaN}, 1))));
        assertEquals("data.train = t: 1 row cannot be trained on (id 3: features[0] = Infinity); " + RULE,
                refusedRows(table(row(3L, new Float[] {Float.POSITIVE_INFINITY, 1f}, 1))));
        assertEquals("data.train = t: 1 row cannot be trained on (id 3: features[1] = -Infinity); " + RULE,
                refusedRows(table(row(3L, new Float[] {0f, Float.NEGATIVE_INFINITY}, 1))));
        assertEquals("data.train = t: 1 row cannot be trained on (id 8: features[1] = null); " + RULE,
                refusedRows(table(row(8L, new Float[] {1f, null}, 1))));
        assertEquals("data.train = t: 1 row cannot be trained on (id 7: features are null); " + RULE,
                refusedRows(table(row(7L, null, 1))));
        assertEquals("data.train = t: 1 row cannot be trained on (id 9: label is null); " + RULE,
                refusedRows(table(row(9L, ok, null))));
        assertEquals("data.train = t: 1 row cannot be trained on (id 2: label 3 is outside [0, 2]); " + RULE,
                refusedRows(table(row(2L, ok, 3))));
        assertEquals("data.train = t: 1 row cannot be trained on (id 2: label -1 is outside [0, 2]); " + RULE,
                refusedRows(table(row(2L, ok, -1))));
        assertEquals("data.train = t: 1 row cannot be trained on (id 4: has 3 features but the dataset's shape needs"
                + " 2); " + RULE, refusedRows(table(row(4L, new Float[] {1f, 2f, 3f}, 0))));
        assertEquals("data.train = t: 1 row cannot be trained on (id null: id is null); " + RULE,
                refusedRows(table(row(null, ok, 0))));
    }

    @Test
    void manyBadRowsAreCountedAndTheFirstThreeByIdNamed() {
        Float[] ok = {1f, 2f};
        Dataset<Row> rows = table(row(10L, ok, 0), row(12L, new Float[] {Float.NaN, 0f}, 0), row(11L, ok, 7),
                row(1L, ok, 0), row(15L, ok, null), row(13L, null, 1), row(14L, ok, 1));
        assertEquals("data.train = t: 4 rows cannot be trained on (the first by id: id 11: label 7 is outside [0, 2];"
                + " id 12: features[0] = NaN; id 13: features are null); " + RULE, refusedRows(rows));
    }

    @Test
    void aPreparedParquetTableWithNaNOrNullRowsIsRefusedAsTrainingAndAsTestData() throws IOException {
        Path parquet = dir.resolve("bad.parquet");
        table(row(0L, new Float[] {1f, 2f}, 0), row(1L, new Float[] {Float.NaN, 2f}, 1), row(2L, null, 2),
                row(3L, new Float[] {1f, 2f}, null)).write().parquet(parquet.toString());
        new DatasetInfo(new int[] {2}, 3, 4).writeTo(StoragePath.local(parquet));
        InvalidInputException train = assertThrows(InvalidInputException.class,
                () -> ExampleTables.train(spark, new DataConfig(parquet.toString(), null, 0), "training"));
        assertEquals("data.train = " + parquet + ": 3 rows cannot be trained on (the first by id: id 1: features[0] ="
                + " NaN; id 2: features are null; id 3: label is null); " + RULE, train.getMessage());
        InvalidInputException limited = assertThrows(InvalidInputException.class,
                () -> ExampleTables.train(spark, new DataConfig(parquet.toString(), null, 2), "training"));
        assertEquals("data.train = " + parquet + ": 1 row cannot be trained on (id 1: features[0] = NaN); " + RULE,
                limited.getMessage());
        InvalidInputException test = assertThrows(InvalidInputException.class,
                () -> ExampleTables.read(spark, new ExampleTables.Source("data.test", parquet.toString(), false, "t10k"),
                        new DataConfig(parquet.toString(), parquet.toString(), 0),
                        new ExampleTables.Expected(null, 0, null, "test accuracy"), 0));
        assertEquals("data.test = " + parquet + ": 3 rows cannot be trained on (the first by id: id 1: features[0] ="
                + " NaN; id 2: features are null; id 3: label is null); " + RULE, test.getMessage());
    }

    @Test
    void aRepeatedIdIsRefusedNamingTheTableTheIdAndHowOften() {
        Float[] f = {1f, 2f};
        InvalidInputException once = assertThrows(InvalidInputException.class, () -> TableChecks.requireUniqueIds(
                table(row(4L, f, 0), row(2L, f, 0), row(4L, f, 1), row(9L, f, 0)), "the training table"));
        assertEquals("the training table has id 4 in 2 rows; rows are joined by id, so every id must occur once",
                once.getMessage());
        InvalidInputException many = assertThrows(InvalidInputException.class, () -> TableChecks.requireUniqueIds(
                table(row(8L, f, 0), row(3L, f, 0), row(8L, f, 0), row(3L, f, 0), row(3L, f, 0), row(5L, f, 0),
                        row(5L, f, 0)), "the cache table c"));
        assertEquals("the cache table c has id 3 in 3 rows (and 2 more ids in more than one row); rows are joined by"
                + " id, so every id must occur once", many.getMessage());
        InvalidInputException two = assertThrows(InvalidInputException.class, () -> TableChecks.requireUniqueIds(
                table(row(8L, f, 0), row(3L, f, 0), row(8L, f, 0), row(3L, f, 0)), "c"));
        assertEquals("c has id 3 in 2 rows (and 1 more id in more than one row); rows are joined by id, so every id"
                + " must occur once", two.getMessage());
    }
}
