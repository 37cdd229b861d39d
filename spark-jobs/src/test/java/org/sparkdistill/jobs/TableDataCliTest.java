package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.jobs.cli.SparkDistill;
import org.sparkdistill.jobs.data.LabelIndex;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * Tables other than IDX through the command line: {@code distill} on a csv table with string labels and
 * {@code evaluate} mapping them back, distillation from an unlabeled table, and each bad input refused with exit
 * status 2 and a message naming it. Every command starts and stops its own local Spark session.
 */
class TableDataCliTest {
    static final List<String> SPECIES = List.of("ant", "bee", "cat", "dog");

    @TempDir
    static Path dir;
    static Path teacher;
    static Path trainCsv;
    static Path testCsv;

    /** What a command returned, printed and reported. */
    record Run(int status, String out, String err) {}

    @BeforeAll
    static void write() throws IOException {
        Examples train = CacheFixtures.examples("train", 400, 1L);
        teacher = CacheFixtures.teacher(dir, "teacher.zip", 11L, train);
        trainCsv = csv("train.csv", train, null);
        testCsv = csv("test.csv", CacheFixtures.examples("test", 100, 2L), null);
    }

    /** The examples as csv with a header: id, f1..f8, species (a string label), with row 0 relabelled if asked. */
    static Path csv(String name, Examples examples, String firstLabel) throws IOException {
        return csv(name, examples, firstLabel, true);
    }

    /** The examples as csv with a header: id, f1..f8 and, when asked, species. */
    static Path csv(String name, Examples examples, String firstLabel, boolean labels) throws IOException {
        StringBuilder text = new StringBuilder("id");
        for (int j = 1; j <= CacheFixtures.FEATURES; j++) {
            text.append(",f").append(j);
        }
        text.append(labels ? ",species\n" : "\n");
        for (int i = 0; i < examples.size(); i++) {
            text.append(i);
            for (float v : examples.row(i)) {
                text.append(',').append(v);
            }
            if (labels) {
                text.append(',').append(i == 0 && firstLabel != null ? firstLabel : SPECIES.get(examples.labels()[i]));
            }
            text.append('\n');
        }
        return Files.writeString(dir.resolve(name), text);
    }

    static Run cli(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int status = SparkDistill.execute(new PrintWriter(err, true), args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    static Path config(String name, String data, String distillation, Path output) throws IOException {
        return Files.writeString(dir.resolve(name), data + "teachers:\n  - path: " + teacher + "\n"
                + "student: {hidden: [8]}\ndistillation: " + distillation + "\n"
                + "training: {epochs: 2, batchSize: 32, seed: 3}\nspark: {master: \"local[2]\"}\noutput: " + output
                + "\n");
    }

    @Test
    void distillOnACsvTableWithStringLabelsSavesTheirIndexAndEvaluateMapsThemBack() throws IOException {
        Path output = dir.resolve("csv-student");
        Path config = config("csv.yaml", "data:\n  train: " + trainCsv + "\n  test: " + testCsv + "\n  format: csv\n"
                + "  features: [\"f*\"]\n  label: species\n", "{temperature: 2.0, alpha: 0.7}", output);
        Run distill = cli("distill", "--config", config.toString());
        assertEquals(0, distill.status(), distill.err());
        assertEquals(new LabelIndex(SPECIES), LabelIndex.readFrom(StoragePath.local(output.resolve(LabelIndex.FILE_NAME))));

        Run evaluate = cli("evaluate", "--model", output.resolve(DistillJob.MODEL_FILE).toString(), "--data",
                testCsv.toString(), "--format", "csv", "--features", "f*", "--label", "species", "--master", "local[2]");
        assertEquals(0, evaluate.status(), evaluate.err());
        for (String species : SPECIES) {
            assertTrue(evaluate.out().contains("  class " + species + ": accuracy "), evaluate.out());
        }
        assertTrue(evaluate.out().contains("(100 examples)"), evaluate.out());

        Path unknown = csv("unknown.csv", CacheFixtures.examples("test", 100, 2L), "yak");
        Run refused = cli("evaluate", "--model", output.resolve(DistillJob.MODEL_FILE).toString(), "--data",
                unknown.toString(), "--format", "csv", "--features", "f*", "--label", "species", "--master", "local[2]");
        assertEquals(2, refused.status(), refused.err());
        assertEquals("error: --data = " + unknown + ": label \"yak\" in column \"species\" (data.label) is not in the"
                + " label index [ant, bee, cat, dog]; a string label must be one the model was trained with"
                + " (data.labels fixes the index)\n", refused.err());
    }

    @Test
    void anUnlabeledTableDistilsAtAlphaOneAndIsRefusedBelowIt() throws IOException {
        Path train = csv("unlabeled.csv", CacheFixtures.examples("train", 400, 1L), null, false);
        String data = "data:\n  train: " + train + "\n  test: " + testCsv + "\n  format: csv\n  features: [\"f*\"]\n"
                + "  label: species\n  classes: 4\n";
        Path output = dir.resolve("unlabeled-student");
        Run distill = cli("distill", "--config", config("alpha1.yaml", data, "{temperature: 2.0, alpha: 1.0}", output)
                .toString());
        assertEquals(0, distill.status(), distill.err());
        assertTrue(Files.isRegularFile(output.resolve(DistillJob.MODEL_FILE)));

        Run refused = cli("distill", "--config", config("alpha-half.yaml", data, "{temperature: 2.0, alpha: 1.0,"
                + " alphaEnd: 0.5}", dir.resolve("refused-student")).toString());
        assertEquals(2, refused.status(), refused.err());
        assertEquals("error: data.train = " + train + " has no label column \"species\" (data.label), but"
                + " distillation.alpha = 1.0 with distillation.alphaEnd = 0.5 (the hard-label term, weighed 1 - alpha;"
                + " distilling without labels needs alpha = 1 and alphaEnd unset or 1) needs labels; its columns are"
                + " id, f1, f2, f3, f4, f5, f6, f7, f8\n", refused.err());

        Run unlabeledTest = cli("distill", "--config", config("unlabeled-test.yaml", data.replace(testCsv.toString(),
                train.toString()), "{temperature: 2.0, alpha: 1.0}", dir.resolve("unlabeled-test-student")).toString());
        assertEquals(2, unlabeledTest.status(), unlabeledTest.err());
        assertTrue(unlabeledTest.err().startsWith("error: data.test = " + train + " has no label column \"species\""
                + " (data.label), but test accuracy needs labels"), unlabeledTest.err());
    }

    @Test
    void badInputsAreRefusedWithStatusTwoNamingTheColumnOrFile() throws IOException {
        Run missing = cli("prepare", "--input", trainCsv.toString(), "--format", "csv", "--features", "g*",
                "--output", dir.resolve("p1").toString(), "--master", "local[1]");
        assertEquals(2, missing.status(), missing.err());
        assertTrue(missing.err().startsWith("error: --input = " + trainCsv + ": data.features = [\"g*\"] matches no"
                + " column; the columns are id, f1,"), missing.err());

        Run noColumn = cli("prepare", "--input", trainCsv.toString(), "--format", "csv", "--features", "pixels",
                "--output", dir.resolve("p2").toString(), "--master", "local[1]");
        assertEquals(2, noColumn.status(), noColumn.err());
        assertTrue(noColumn.err().startsWith("error: --input = " + trainCsv + " has no column \"pixels\""
                + " (data.features); its columns are id, f1,"), noColumn.err());

        Run wrongType = cli("prepare", "--input", trainCsv.toString(), "--format", "csv", "--features", "f1,species",
                "--output", dir.resolve("p3").toString(), "--master", "local[1]");
        assertEquals(2, wrongType.status(), wrongType.err());
        assertTrue(wrongType.err().startsWith("error: --input = " + trainCsv + ": column 'species' of data.features"
                + " has type string, but assembled feature columns must be numbers"), wrongType.err());

        Path vectors = vectors();
        Run wrongSize = cli("prepare", "--input", vectors.toString(), "--features", "vec", "--shape", "3", "--output",
                dir.resolve("p4").toString(), "--master", "local[1]");
        assertEquals(2, wrongSize.status(), wrongSize.err());
        assertEquals("error: --input = " + vectors + ": 1 row cannot be trained on (id 1: has 2 features but the"
                + " dataset's shape needs 3); every row needs an id, 3 finite features and a label in [0, 1]\n",
                wrongSize.err());

        Path images = Files.createDirectories(dir.resolve("images/label=0"));
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY), "png", images.resolve("a.png").toFile());
        Files.writeString(images.resolve("notes.txt"), "not an image");
        Run notImage = cli("prepare", "--input", dir.resolve("images").toString(), "--format", "image", "--shape",
                "1,2,2", "--classes", "2", "--output", dir.resolve("p5").toString(), "--master", "local[1]");
        assertEquals(2, notImage.status(), notImage.err());
        assertEquals("error: --input = " + dir.resolve("images") + ": 1 file is not an image Spark's image source can"
                + " decode (\"" + images.resolve("notes.txt").toUri() + "\"); remove it, or set data.options.dropInvalid"
                + " to true to skip such files\n", notImage.err());
    }

    /** A Parquet table of Spark ML vectors, the second one element short. */
    static Path vectors() {
        StructType schema = new StructType().add("id", DataTypes.LongType).add("vec", new VectorUDT())
                .add("label", DataTypes.IntegerType);
        Path path = dir.resolve("vectors.parquet");
        SparkSession spark = SparkSession.builder().master("local[1]").appName("table-data-cli-test")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            spark.createDataFrame(List.of(
                    RowFactory.create(0L, Vectors.dense(1, 2, 3), 0),
                    RowFactory.create(1L, Vectors.sparse(2, new int[] {1}, new double[] {2}), 1)), schema)
                    .write().parquet(path.toString());
        } finally {
            spark.stop();
        }
        return path;
    }
}
