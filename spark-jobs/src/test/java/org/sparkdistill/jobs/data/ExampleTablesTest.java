package org.sparkdistill.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
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
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.jobs.PrepareJob;
import org.sparkdistill.jobs.config.DataConfig;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.ExampleFrames;

/** Every kind of source and column {@link ExampleTables} reads, into exactly the rows expected, on local Spark. */
class ExampleTablesTest {
    static final Path FASHION = Path.of(System.getProperty("fashion.mnist.dir",
            FashionMnist.DEFAULT_DIR.toString()));
    static final StructType STORED_VECTOR = new StructType().add("type", DataTypes.ByteType, false)
            .add("size", DataTypes.IntegerType, true)
            .add("indices", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
            .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), true);

    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().config(new SparkConf().setMaster("local[2]").setAppName("example-tables-test")
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.sparkdistill.jobs.spark.DistillKryoRegistrator")
                .set("spark.kryo.registrationRequired", "true")
                // A few rows per test: Spark's 200 default shuffle partitions would only add tasks.
                .set("spark.sql.shuffle.partitions", "4")).getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static DataConfig data(String path, String format, Map<String, String> options, List<String> features,
            String label, List<Integer> shape, int classes, List<String> labels) {
        return DataConfig.of(path, null, format, options, features, label, null, shape, classes, labels);
    }

    static ExampleTable train(DataConfig data, String labelsNeededBy) {
        return ExampleTables.train(spark, data, labelsNeededBy);
    }

    /** The rows of a table by id: features and label. */
    static Map<Long, Row> byId(ExampleTable table) {
        Map<Long, Row> rows = new HashMap<>();
        table.rows().collectAsList().forEach(row -> rows.put(row.getLong(0), row));
        return rows;
    }

    static float[] features(Row row) {
        List<Float> values = row.getList(1);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Test
    void idxFilesReadOnTheExecutorsEqualTheDriverSideReaderRowForRow() {
        // 10,000 test rows make two tasks (8,192 rows each at most), so the second skips into the gzip stream.
        ExampleTable table = ExampleTables.read(spark, new ExampleTables.Source("data.test", FASHION.toString(), false,
                "t10k"), new DataConfig(FASHION.toString(), null, 0),
                new ExampleTables.Expected(null, 0, null, "test accuracy"), 0);
        Examples expected = FashionMnist.test(FASHION);
        assertEquals(2, table.rows().rdd().getNumPartitions());
        assertEquals(new DatasetInfo(new int[] {1, 28, 28}, 10, 10_000), table.info());
        assertArrayEquals(LongStream.range(0, 10_000).toArray(), table.rows().orderBy(ExampleFrames.ID)
                .select(ExampleFrames.ID).collectAsList().stream().mapToLong(row -> row.getLong(0)).toArray());
        Examples read = table.collect();
        assertArrayEquals(expected.labels(), read.labels());
        assertArrayEquals(expected.features(), read.features());
        assertTrue(table.labelled() && table.hasIds());
    }

    @Test
    void aLimitedIdxTrainingSetIsItsFirstRows() {
        ExampleTable table = train(new DataConfig(FASHION.toString(), null, 300), "training");
        Examples expected = FashionMnist.train(FASHION).head(300);
        assertEquals(300, table.info().rows());
        Examples read = table.collect();
        assertArrayEquals(expected.labels(), read.labels());
        assertArrayEquals(expected.features(), read.features());
    }

    @Test
    void parquetWithASparkMlVectorColumnDenseAndSparseReadsAsTheVectorsValues() {
        StructType schema = new StructType().add("id", DataTypes.LongType).add("vec", new VectorUDT())
                .add("label", DataTypes.IntegerType);
        List<Row> rows = List.of(RowFactory.create(7L, Vectors.dense(1.5, -2, 3), 1),
                RowFactory.create(9L, Vectors.sparse(3, new int[] {0, 2}, new double[] {4, 0.25}), 0));
        String path = dir.resolve("ml-vectors.parquet").toString();
        spark.createDataFrame(rows, schema).write().parquet(path);
        assertTrue(spark.read().parquet(path).schema().apply("vec").dataType() instanceof VectorUDT,
                "Parquet keeps the column's ML type");
        ExampleTable table = train(data(path, null, null, List.of("vec"), null, null, 0, null), "training");
        assertEquals(new DatasetInfo(new int[] {3}, 2, 2), table.info());
        Map<Long, Row> read = byId(table);
        assertArrayEquals(new float[] {1.5f, -2f, 3f}, features(read.get(7L)));
        assertArrayEquals(new float[] {4f, 0f, 0.25f}, features(read.get(9L)));
        assertEquals(0, read.get(9L).getInt(2));
    }

    @Test
    void vectorsInTheStructSparkStoresThemInDenseAndSparseBecomeTheirValues() {
        StructType schema = new StructType().add("id", DataTypes.LongType).add("vec", STORED_VECTOR)
                .add("label", DataTypes.IntegerType);
        List<Row> rows = List.of(
                RowFactory.create(7L, RowFactory.create((byte) 1, null, null, new double[] {1.5, -2, 3}), 1),
                RowFactory.create(9L, RowFactory.create((byte) 0, 3, new int[] {0, 2}, new double[] {4, 0.25}), 0));
        String path = dir.resolve("vectors.parquet").toString();
        spark.createDataFrame(rows, schema).write().parquet(path);
        ExampleTable table = train(data(path, null, null, List.of("vec"), null, null, 0, null), "training");
        assertEquals(new DatasetInfo(new int[] {3}, 2, 2), table.info());
        Map<Long, Row> read = byId(table);
        assertArrayEquals(new float[] {1.5f, -2f, 3f}, features(read.get(7L)));
        assertArrayEquals(new float[] {4f, 0f, 0.25f}, features(read.get(9L)));
        assertEquals(1, read.get(7L).getInt(2));
    }

    @Test
    void jsonLinesWithAnArrayOfDoublesAndStringLabelsAreReadThroughSparksJsonSource() throws IOException {
        Path json = dir.resolve("rows.json");
        Files.writeString(json, "{\"id\": 4, \"pixels\": [0.5, 1.0], \"kind\": \"shirt\"}\n"
                + "{\"id\": 2, \"pixels\": [0.25, 0.0], \"kind\": \"boot\"}\n");
        ExampleTable table = train(data(json.toString(), "json", null, List.of("pixels"), "kind", null, 0, null),
                "training");
        assertEquals(new DatasetInfo(new int[] {2}, 2, 2), table.info());
        Map<Long, Row> read = byId(table);
        assertArrayEquals(new float[] {0.5f, 1f}, features(read.get(4L)));
        assertEquals(1, read.get(4L).getInt(2), "shirt after boot in the sorted label index");
        assertEquals(0, read.get(2L).getInt(2));
    }

    @Test
    void csvWithAHeaderIsReadWithItsDelimiterAndColumnsChosenByListOrPattern() throws IOException {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "id;pixel1;label;pixel2;pixel3;note\n3;0.5;1;0.25;-1;x\n1;2;0;0;0.125;y\n");
        Map<String, String> options = Map.of("delimiter", ";");
        for (List<String> columns : List.of(List.of("pixel*"), List.of("pixel1", "pixel2", "pixel3"))) {
            ExampleTable table = train(data(csv.toString(), "csv", options, columns, null, null, 0, null), "training");
            assertEquals(new DatasetInfo(new int[] {3}, 2, 2), table.info());
            Map<Long, Row> read = byId(table);
            assertArrayEquals(new float[] {0.5f, 0.25f, -1f}, features(read.get(3L)), columns.toString());
            assertArrayEquals(new float[] {2f, 0f, 0.125f}, features(read.get(1L)), columns.toString());
            assertEquals(0, read.get(1L).getInt(2));
        }
        InvalidInputException text = assertThrows(InvalidInputException.class, () -> train(data(csv.toString(), "csv",
                options, List.of("pixel1", "note"), null, null, 0, null), "training"));
        assertEquals("data.train = " + csv + ": column 'note' of data.features has type string, but assembled feature"
                + " columns must be numbers (for csv, is data.options.inferSchema false, or does the column hold a value"
                + " that is not a number?)", text.getMessage());
    }

    @Test
    void anImageFolderIsDecodedToTheShapeGreyOrRgbAndLabelledByItsPartitionFolders() throws IOException {
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setPixels(0, 0, 2, 2, new int[] {0, 51, 102, 255});
        BufferedImage red = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
        for (int p = 0; p < 4; p++) {
            red.setRGB(p % 2, p / 2, 0xff0000);
        }
        Files.createDirectories(dir.resolve("images/label=0"));
        Files.createDirectories(dir.resolve("images/label=1"));
        ImageIO.write(grey, "png", dir.resolve("images/label=0/grey.png").toFile());
        ImageIO.write(red, "png", dir.resolve("images/label=1/red.png").toFile());
        String images = dir.resolve("images").toString();

        Map<Integer, float[]> asGrey = byLabel(train(data(images, "image", null, null, null,
                List.of(1, 2, 2), 0, null), "training"));
        assertArrayEquals(new float[] {0f, 0.2f, 0.4f, 1f}, asGrey.get(0));
        float luma = 0.299f * 1f + 0.587f * 0f + 0.114f * 0f;
        assertArrayEquals(new float[] {luma, luma, luma, luma}, asGrey.get(1));

        Map<Integer, float[]> asRgb = byLabel(train(data(images, "image", null, null, null,
                List.of(3, 2, 2), 0, null), "training"));
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, asRgb.get(1));
        assertArrayEquals(new float[] {0f, 0.2f, 0.4f, 1f, 0f, 0.2f, 0.4f, 1f, 0f, 0.2f, 0.4f, 1f}, asRgb.get(0));

        // Halving 2×2 to 1×1 samples the centre, the mean of the four pixels; float rounding bounds the difference.
        Map<Integer, float[]> halved = byLabel(train(data(images, "image", null, null, null,
                List.of(1, 1, 1), 0, null), "training"));
        assertEquals((0f + 0.2f + 0.4f + 1f) / 4, halved.get(0)[0], 1e-6);

        InvalidInputException noShape = assertThrows(InvalidInputException.class, () -> train(data(images, "image",
                null, null, null, null, 0, null), "training"));
        assertEquals("data.train = " + images + ": column 'features' holds images; set data.shape to the shape to decode"
                + " them to, [channels, height, width] with 1 (grey) or 3 (RGB) channels; got none",
                noShape.getMessage());
    }

    /** A table of one column in Spark's image schema, as its image source or a table written from it holds. */
    String imageRows(String name, Row... images) {
        StructType image = new StructType().add("origin", DataTypes.StringType).add("height", DataTypes.IntegerType)
                .add("width", DataTypes.IntegerType).add("nChannels", DataTypes.IntegerType)
                .add("mode", DataTypes.IntegerType).add("data", DataTypes.BinaryType);
        StructType schema = new StructType().add("label", DataTypes.IntegerType).add("image", image);
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            rows.add(RowFactory.create(i, images[i]));
        }
        String path = dir.resolve(name).toString();
        spark.createDataFrame(rows, schema).write().parquet(path);
        return path;
    }

    @Test
    void rowsOfSparksImageSchemaAreDecodedFromBgrAndAnUndecodedOneIsRefusedByItsOrigin() {
        // A 1×2 colour image (pixels red, then blue, as B, G, R bytes) and a 1×1 grey one stretched to 1×2.
        String path = imageRows("image-rows.parquet",
                RowFactory.create("a.png", 1, 2, 3, 16, new byte[] {0, 0, (byte) 255, (byte) 255, 0, 0}),
                RowFactory.create("b.png", 1, 1, 1, 0, new byte[] {51}));
        Map<Integer, float[]> read = byLabel(train(data(path, null, null, List.of("image"), null, List.of(3, 1, 2), 0,
                null), "training"));
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, read.get(0));
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f}, read.get(1));

        String invalid = imageRows("invalid-rows.parquet", RowFactory.create("a.png", 1, 1, 1, 0, new byte[] {1}),
                RowFactory.create("notes.txt", -1, -1, -1, -1, new byte[0]));
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> train(data(invalid, null, null,
                List.of("image"), null, List.of(1, 1, 1), 0, null), "training"));
        assertEquals("data.train = " + invalid + ": 1 file is not an image Spark's image source can decode"
                + " (\"notes.txt\"); remove it, or set data.options.dropInvalid to true to skip such files",
                refused.getMessage());
        ExampleTable dropped = train(data(invalid, null, Map.of("dropInvalid", "true"), List.of("image"), null,
                List.of(1, 1, 1), 2, null), "training");
        assertEquals(1, dropped.info().rows());
    }

    static Map<Integer, float[]> byLabel(ExampleTable table) {
        Map<Integer, float[]> rows = new HashMap<>();
        table.rows().collectAsList().forEach(row -> rows.put(row.getInt(2), features(row)));
        assertFalse(table.hasIds());
        return rows;
    }

    @Test
    void aCatalogTableIsReadByNameWithDoubleFeaturesAndLongLabels() {
        StructType schema = new StructType().add("key", DataTypes.IntegerType)
                .add("x", DataTypes.createArrayType(DataTypes.DoubleType)).add("y", DataTypes.LongType);
        spark.createDataFrame(List.of(RowFactory.create(5, new double[] {0.5, 1}, 2L),
                RowFactory.create(6, new double[] {-1, 0}, 0L)), schema).write().saveAsTable("example_tables_test");
        try {
            DataConfig table = DataConfig.of(null, "example_tables_test", null, null, List.of("x"), "y", "key", null, 0,
                    null);
            ExampleTable read = ExampleTables.train(spark, table, "training");
            assertEquals(new DatasetInfo(new int[] {2}, 3, 2), read.info());
            assertEquals("data.table = example_tables_test", read.source());
            Map<Long, Row> rows = byId(read);
            assertArrayEquals(new float[] {0.5f, 1f}, features(rows.get(5L)));
            assertEquals(2, rows.get(5L).getInt(2));
            InvalidInputException missing = assertThrows(InvalidInputException.class, () -> ExampleTables.train(spark,
                    DataConfig.of(null, "no_such_table", null, null, null, null, null, null, 0, null), "training"));
            assertTrue(missing.getMessage().startsWith("data.table = no_such_table cannot be read: "),
                    missing.getMessage());
        } finally {
            spark.sql("DROP TABLE example_tables_test");
        }
    }

    /** Features [i] and the given string labels, by id i. */
    String stringLabelled(String name, String... labels) {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.StringType);
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            rows.add(RowFactory.create((long) i, new float[] {i}, labels[i]));
        }
        String path = dir.resolve(name).toString();
        spark.createDataFrame(rows, schema).write().parquet(path);
        return path;
    }

    static int[] labelsById(ExampleTable table) {
        return table.rows().orderBy(ExampleFrames.ID).collectAsList().stream().mapToInt(row -> row.getInt(2)).toArray();
    }

    @Test
    void stringLabelsMapThroughTheirSortedIndexOrTheConfiguredOrderAndAnUnknownOneIsRefused() {
        String path = stringLabelled("strings.parquet", "emu", "cat", "dog", "cat");
        ExampleTable sorted = train(new DataConfig(path, null, 0), "training");
        assertEquals(new LabelIndex(List.of("cat", "dog", "emu")), sorted.labels());
        assertArrayEquals(new int[] {2, 0, 1, 0}, labelsById(sorted));
        assertEquals(3, sorted.info().numClasses());

        ExampleTable fixed = train(data(path, null, null, null, null, null, 0, List.of("emu", "dog", "cat")), "training");
        assertArrayEquals(new int[] {0, 2, 1, 2}, labelsById(fixed));

        InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> train(data(path, null, null,
                null, null, null, 0, List.of("cat", "dog")), "training"));
        assertEquals("data.train = " + path + ": label \"emu\" in column \"label\" (data.label) is not in the label"
                + " index [cat, dog]; a string label must be one the model was trained with (data.labels fixes the"
                + " index)", unknown.getMessage());
    }

    @Test
    void aTestTableTakesTheTrainingLabelIndex() {
        ExampleTable train = train(new DataConfig(stringLabelled("train.parquet", "b", "a", "c"), null, 0), "training");
        String test = stringLabelled("test.parquet", "c", "c", "a");
        ExampleTable read = ExampleTables.test(spark, new DataConfig(train.source(), test, 0), train);
        assertArrayEquals(new int[] {2, 2, 0}, labelsById(read));
        assertEquals(train.labels(), read.labels());
        assertEquals(3, read.info().numClasses());
    }

    /** Features [i, i] by id i, with no label column. */
    String unlabeled(String name, int rows, boolean ids) {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType));
        if (ids) {
            schema = schema.add("id", DataTypes.IntegerType);
        }
        List<Row> list = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(ids ? RowFactory.create(new float[] {i, i}, i) : RowFactory.create(new float[] {i, i}));
        }
        String path = dir.resolve(name).toString();
        spark.createDataFrame(list, schema).repartition(2).write().parquet(path);
        return path;
    }

    @Test
    void withoutALabelColumnRowsAreUnlabeledWhereLabelsAreNotNeededAndRefusedWhereTheyAre() {
        String path = unlabeled("unlabeled.parquet", 5, true);
        ExampleTable table = train(data(path, null, null, null, null, null, 4, null), null);
        assertFalse(table.labelled());
        assertNull(table.labels());
        assertArrayEquals(new int[] {-1, -1, -1, -1, -1}, labelsById(table));
        assertEquals(new DatasetInfo(new int[] {2}, 4, 5), table.info());

        InvalidInputException needed = assertThrows(InvalidInputException.class, () -> train(data(path, null, null,
                null, null, null, 4, null), "distillation.alpha = 0.5 (the hard-label term)"));
        assertEquals("data.train = " + path + " has no label column \"label\" (data.label), but distillation.alpha ="
                + " 0.5 (the hard-label term) needs labels; its columns are features, id", needed.getMessage());
        InvalidInputException classes = assertThrows(InvalidInputException.class, () -> train(new DataConfig(path,
                null, 0), null));
        assertEquals("data.train = " + path + " has no labels, so its class count cannot be taken from it; set"
                + " data.classes to the teachers' class count", classes.getMessage());
    }

    @Test
    void rowsWithoutAnIdColumnGetTheSameIdsOnEveryReadAndAreRefusedWhereRowsAreJoinedById() {
        String path = unlabeled("no-ids.parquet", 40, false);
        DataConfig config = data(path, null, null, null, null, null, 3, null);
        ExampleTable first = train(config, null);
        Map<Long, Row> once = byId(first);
        Map<Long, Row> again = byId(train(config, null));
        assertEquals(40, once.size());
        assertEquals(once.keySet(), again.keySet());
        once.forEach((id, row) -> assertArrayEquals(features(row), features(again.get(id)), "id " + id));
        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> first.requireIds("the soft-label cache (cache.path)", "data.id = id"));
        assertEquals("data.train = " + path + " has no id column (data.id = id), but the soft-label cache (cache.path)"
                + " joins rows by id, which must stay the same from one run to the next; add a column of unique"
                + " integers to the table (e.g. with 'spark-distill prepare', which writes one, or Spark's"
                + " monotonically_increasing_id() when the table is written) and name it with data.id",
                refused.getMessage());
    }

    @Test
    void aPreparedTableKeepsItsLabelIndexDescriptionAndWhetherItIsLabelled() {
        ExampleTable strings = train(new DataConfig(stringLabelled("s.parquet", "y", "x"), null, 0), "training");
        Path prepared = dir.resolve("prepared");
        PrepareJob.run(spark, strings, prepared.toString(), false);
        ExampleTable read = train(new DataConfig(prepared.toString(), null, 0), "training");
        assertEquals(new LabelIndex(List.of("x", "y")), read.labels());
        assertEquals(strings.info(), read.info());
        assertArrayEquals(new int[] {1, 0}, labelsById(read));

        ExampleTable unlabeled = train(data(unlabeled("u.parquet", 3, false), null, null, null, null, null, 5, null),
                null);
        Path preparedUnlabeled = dir.resolve("prepared-unlabeled");
        PrepareJob.run(spark, unlabeled, preparedUnlabeled.toString(), false);
        ExampleTable readUnlabeled = train(new DataConfig(preparedUnlabeled.toString(), null, 0), null);
        assertFalse(readUnlabeled.labelled());
        assertTrue(readUnlabeled.hasIds());
        assertEquals(new DatasetInfo(new int[] {2}, 5, 3), readUnlabeled.info());
        assertEquals(byId(unlabeled).keySet(), byId(readUnlabeled).keySet());
    }

    @Test
    void theSchemaIsCheckedNamingTheColumnItsTypeAndWhatWasExpected() {
        String path = stringLabelled("typed.parquet", "a", "b");
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> train(data(path, null, null,
                List.of("pixels"), null, null, 0, null), "training"));
        assertEquals("data.train = " + path + " has no column \"pixels\" (data.features); its columns are id, features,"
                + " label", missing.getMessage());
        InvalidInputException labelType = assertThrows(InvalidInputException.class, () -> train(data(path, null, null,
                List.of("features"), "features", null, 0, null), "training"));
        assertEquals("data.train = " + path + ": label column \"features\" (data.label) has type array<float>, but must"
                + " be an integer or a string", labelType.getMessage());
        InvalidInputException featureType = assertThrows(InvalidInputException.class, () -> train(data(path, null,
                null, List.of("label"), "id", null, 0, null), "training"));
        assertEquals("data.train = " + path + ": column 'label' of data.features has type string, but must be an"
                + " array<float> or array<double>, a Spark ML vector, an image (Spark's image schema,"
                + " or image file bytes), or numbers (a list of columns, or a name with *)", featureType.getMessage());
        InvalidInputException shape = assertThrows(InvalidInputException.class, () -> train(data(path, null, null,
                null, null, List.of(2), 0, null), "training"));
        assertTrue(shape.getMessage().startsWith("data.train = " + path + ": 2 rows cannot be trained on (the first by"
                + " id: id 0: has 1 features but the dataset's shape needs 2;"), shape.getMessage());
    }
}
