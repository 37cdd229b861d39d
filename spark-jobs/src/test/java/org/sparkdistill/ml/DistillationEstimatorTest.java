package org.sparkdistill.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.jobs.PrepareJob;
import org.sparkdistill.jobs.cli.SparkDistill;

/**
 * The Spark ML stages: fit a student on a DataFrame, score with it, save and load it alone and inside a fitted
 * Pipeline with equal predictions, on a session the caller owns and that outlives the fit.
 */
class DistillationEstimatorTest {
    private static final int FEATURES = 16;
    private static final int CLASSES = 3;

    @TempDir
    static Path dir;

    static SparkSession spark;
    static Dataset<Row> train;
    static Dataset<Row> test;

    @BeforeAll
    static void prepare() {
        spark = SparkSession.builder().config(new SparkConf().setMaster("local[2]").setAppName("estimator-test")
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.sparkdistill.jobs.spark.DistillKryoRegistrator")).getOrCreate();
        PrepareJob.run(spark, examples("train", 300, 1L), dir.resolve("train"));
        PrepareJob.run(spark, examples("test", 60, 2L), dir.resolve("test"));
        train = spark.read().parquet(dir.resolve("train").toString());
        test = spark.read().parquet(dir.resolve("test").toString());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Examples examples(String name, int rows, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * FEATURES];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(CLASSES);
            for (int j = 0; j < FEATURES; j++) {
                values[i * FEATURES + j] = random.nextFloat() + (j % CLASSES == labels[i] ? 1f : 0f);
            }
        }
        return new Examples(name, values, labels, new int[] {FEATURES}, CLASSES);
    }

    static DistillationEstimator estimator() {
        return new DistillationEstimator().setConfig("student.hidden", "[8]").setConfig("distillation.alpha", "0")
                .setConfig("training.epochs", "3").setConfig("training.batchSize", "20").setConfig("training.seed", "4")
                .setTestData(test);
    }

    @Test
    void aFittedStudentScoresSavesAndLoadsWithEqualPredictions() throws IOException {
        long scratchBefore = scratchFolders();
        DistilledModel model = estimator().fit(train);

        assertFalse(spark.sparkContext().isStopped(), "the caller's session outlives the fit");
        assertTrue(Stream.of(spark.catalog().listTables().collectAsList()).flatMap(List::stream)
                .noneMatch(t -> t.name().startsWith("spark_distill_")), "the fit's views are dropped");
        assertEquals(scratchBefore, scratchFolders(), "the fit's temporary folder is deleted");
        List<Row> scored = model.transform(test).select("label", "prediction", "probability").collectAsList();
        assertEquals(60, scored.size());
        long right = scored.stream().filter(r -> r.getInt(0) == (int) r.getDouble(1)).count();
        assertTrue(right > 40, "the student learned the classes: " + right + " of 60");
        assertEquals(1.0, ((Vector) scored.get(0).get(2)).toArray()[0] + ((Vector) scored.get(0).get(2)).toArray()[1]
                + ((Vector) scored.get(0).get(2)).toArray()[2], 1e-5, "probabilities sum to one");

        String saved = dir.resolve("model").toString();
        model.write().save(saved);
        DistilledModel loaded = DistilledModel.load(saved);
        assertEquals(scored, loaded.transform(test).select("label", "prediction", "probability").collectAsList());
        assertEquals(model.uid(), loaded.uid());
    }

    /**
     * {@code predict} scores a table with a saved model or a student.zip, as the model's own transform does, and,
     * run where a session is already running, uses that session and leaves it running.
     */
    @Test
    void predictScoresATableIntoParquetOnTheRunningSession() throws IOException {
        DistilledModel model = estimator().setConfig("output", dir.resolve("fitted").toString()).fit(train);
        model.write().save(dir.resolve("saved").toString());
        List<Row> expected = model.transform(test).select("id", "label", "prediction", "probability")
                .orderBy("id").collectAsList();
        for (String saved : List.of(dir.resolve("saved").toString(), dir.resolve("fitted/student.zip").toString())) {
            Path out = dir.resolve("predicted-" + expected.size() + "-" + saved.hashCode());
            assertEquals(0, SparkDistill.execute("predict", "--model", saved, "--data", dir.resolve("test").toString(),
                    "--output", out.toString()));
            assertFalse(spark.sparkContext().isStopped(), "predict leaves the running session running");
            assertEquals(expected, spark.read().parquet(out.toString()).orderBy("id").collectAsList(), saved);
        }
        assertEquals(2, SparkDistill.execute("predict", "--model", dir.resolve("missing.zip").toString(), "--data",
                dir.resolve("test").toString(), "--output", dir.resolve("never").toString()));
        assertFalse(Files.exists(dir.resolve("never")));
    }

    @Test
    void theEstimatorFitsInAPipelineThatSavesAndLoads() throws IOException {
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {estimator()}).fit(train);
        List<Row> scored = fitted.transform(test).select("prediction", "probability").collectAsList();

        String saved = dir.resolve("pipeline").toString();
        fitted.write().save(saved);
        assertEquals(scored, PipelineModel.load(saved).transform(test).select("prediction", "probability")
                .collectAsList());
        new Pipeline().setStages(new PipelineStage[] {estimator()}).write().save(dir.resolve("unfitted").toString());
        DistillationEstimator reloaded = (DistillationEstimator) Pipeline.load(dir.resolve("unfitted").toString())
                .getStages()[0];
        assertEquals("[8]", reloaded.getConfig("student.hidden"));
    }

    @Test
    void badSettingsAreRefusedBeforeAnyJobNamingTheKey() {
        String message = assertThrows(InvalidInputException.class, () -> estimator()
                .setConfig("training.epochs", "0").setConfig("training.batchSize", "-1").fit(train)).getMessage();
        assertTrue(message.contains("training.epochs") && message.contains("training.batchSize"), message);
        assertTrue(assertThrows(InvalidInputException.class, () -> estimator().setConfig("training.epoch", "3"))
                .getMessage().startsWith("DistillationEstimator: training.epoch is not a configuration key"));
        assertTrue(assertThrows(InvalidInputException.class, () -> estimator().setConfig("data.train", "/data")
                .fit(train)).getMessage().contains("names other data"));
    }

    @Test
    void savingOverSomethingElseIsRefusedEvenWithOverwrite() throws IOException {
        Path other = Files.createDirectories(dir.resolve("someone-elses"));
        Files.writeString(other.resolve("notes.txt"), "keep me");
        DistilledModel model = new DistilledModel("m", new byte[] {1}, new int[] {FEATURES});
        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> model.write().overwrite().save(other.toString()));
        assertTrue(refused.getMessage().contains("holds no saved DistilledModel"), refused.getMessage());
        assertEquals("keep me", Files.readString(other.resolve("notes.txt")));
    }

    private static long scratchFolders() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("spark-distill-fit-")).count();
        }
    }
}
