package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.jobs.spark.KryoSamples.array;
import static org.sparkdistill.jobs.spark.KryoSamples.assertSameValue;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.PrepareJob;
import org.sparkdistill.jobs.TrainedStudent;
import org.sparkdistill.jobs.config.ConfigLoader;
import scala.Tuple2;

/**
 * Local Spark with {@code registrationRequired}: the jobs, shuffles, serialized caches, broadcasts and results hit no
 * unregistered class.
 */
class KryoOnSparkTest {
    private static final long SEED = 7L;
    private static SparkSession session;
    private static JavaSparkContext spark;

    /** A record the registrator does not list. */
    record Unlisted(int value) implements Serializable {}

    @BeforeAll
    static void start() {
        session = SparkSession.builder().config(KryoSamples.strict(new SparkConf()).setMaster("local[2]")
                .setAppName("kryo-registration").set("spark.ui.enabled", "false")).getOrCreate();
        spark = JavaSparkContext.fromSparkContext(session.sparkContext());
    }

    @AfterAll
    static void stop() {
        session.stop();
    }

    @Test
    void theDistillJobRunsFromPreparedParquet(@TempDir Path dir) {
        Random random = new Random(SEED);
        PrepareJob.run(session, examples("train", 240, random), dir.resolve("train.parquet"));
        PrepareJob.run(session, examples("test", 60, random), dir.resolve("test.parquet"));
        String yaml = "data:\n  train: " + dir.resolve("train.parquet") + "\n  test: " + dir.resolve("test.parquet")
                + "\n  limit: 200\nstudent:\n  hidden: [4]\ndistillation:\n  alpha: 0\ntraining:\n  epochs: 2\n"
                + "  batchSize: 32\noutput: " + dir.resolve("student") + "\n";
        DistillJob.Outcome outcome = DistillJob.run(session, ConfigLoader.parse(yaml, "kryo.yaml", Map.of()), "kryo");
        assertEquals(2, outcome.summary().epochs().size());
        assertTrue(outcome.output().child(DistillJob.MODEL_FILE).isFile());
    }

    @Test
    void arraysAndDataSetsCrossAShuffleAndASerializedCache() {
        Random random = new Random(SEED);
        List<Tuple2<Integer, INDArray>> arrays = new ArrayList<>();
        INDArray parent = array(random, DataType.DOUBLE, 'c', 10, 6);
        for (int i = 0; i < 9; i++) {
            INDArray value = i % 2 == 0 ? array(random, DataType.DOUBLE, 'f', 2, 3)
                    : parent.get(NDArrayIndex.interval(i, i + 2), NDArrayIndex.interval(1, 4));
            arrays.add(new Tuple2<>(i % 3, value));
        }
        JavaPairRDD<Integer, Iterable<INDArray>> grouped = spark.parallelizePairs(arrays, 3).groupByKey(2)
                .persist(StorageLevel.MEMORY_ONLY_SER());
        assertEquals(3, grouped.count());
        Map<Integer, INDArray> sums = grouped.mapValues(KryoOnSparkTest::sum).collectAsMap();
        for (int key = 0; key < 3; key++) {
            INDArray expected = arrays.get(key)._2().dup();
            expected.addi(arrays.get(key + 3)._2()).addi(arrays.get(key + 6)._2());
            assertTrue(expected.equalsWithEps(sums.get(key), 1e-9), "key " + key + ": " + sums.get(key));
        }
        grouped.unpersist(true);

        List<DataSet> dataSets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            INDArray labelsMask = i % 2 == 0 ? null : array(random, DataType.FLOAT, 'c', 3, 4);
            dataSets.add(new DataSet(array(random, DataType.FLOAT, 'c', 3, 2, 4),
                    array(random, DataType.FLOAT, 'c', 3, 1, 4), array(random, DataType.FLOAT, 'c', 3, 4), labelsMask));
        }
        JavaRDD<DataSet> cached = spark.parallelize(dataSets, 2).persist(StorageLevel.MEMORY_ONLY_SER());
        List<DataSet> back = cached.mapToPair(d -> new Tuple2<>(d.getLabelsMaskArray() == null, d)).groupByKey()
                .values().flatMap(Iterable::iterator).collect();
        assertEquals(dataSets.size(), back.size());
        for (DataSet expected : dataSets) {
            assertTrue(back.stream().anyMatch(d -> d.getFeatures().equals(expected.getFeatures())
                    && d.getLabels().equals(expected.getLabels())
                    && d.getFeaturesMaskArray().equals(expected.getFeaturesMaskArray())
                    && Objects.equals(d.getLabelsMaskArray(), expected.getLabelsMaskArray())));
        }
        cached.unpersist(true);
    }

    @Test
    void projectRecordsCrossAShuffleAndASerializedCache() {
        List<Object> values = KryoSamples.projectValues(new Random(SEED));
        JavaRDD<Object> cached = spark.parallelize(values, 3).persist(StorageLevel.MEMORY_ONLY_SER());
        Map<String, Iterable<Object>> byClass = cached.mapToPair(v -> new Tuple2<>(v.getClass().getName(), v))
                .groupByKey(2).collectAsMap();
        assertEquals(values.size(), byClass.size());
        for (Object value : values) {
            assertSameValue(value, byClass.get(value.getClass().getName()).iterator().next());
        }
        List<Object> again = cached.collect();
        for (int i = 0; i < values.size(); i++) {
            assertSameValue(values.get(i), again.get(i));
        }
        cached.unpersist(true);
    }

    @Test
    void broadcastsAndResultsOfTheDistillShapeAreCovered() {
        Examples heldOut = new Examples("test", new float[] {0.5f, 0.25f, 1f, 0f}, new int[] {1, 0}, new int[] {2}, 2);
        Broadcast<Examples> examples = spark.broadcast(heldOut);
        Broadcast<List<byte[]>> zips = spark.broadcast(new ArrayList<>(List.of(new byte[] {1, 2, 3}, new byte[] {4})));
        try {
            List<TrainedStudent> students = spark.parallelize(List.of(1, 2), 2).map(rank -> new TrainedStudent(
                    zips.value().get(rank - 1), List.of(new EpochMetrics(rank, rank * 10L, 0.5, 0.9, Double.NaN,
                            Double.NaN, 0.01, examples.value().size())), "backend " + rank, List.of(), List.of())).collect();
            assertEquals(2, students.size());
            assertSameValue(new TrainedStudent(new byte[] {4}, List.of(new EpochMetrics(2, 20, 0.5, 0.9, Double.NaN,
                    Double.NaN, 0.01, 2)), "backend 2", List.of(), List.of()), students.get(1));
        } finally {
            examples.destroy();
            zips.destroy();
        }
    }

    @Test
    void anUnregisteredClassFailsTheJobWithKryosMessage() {
        SparkException e = assertThrows(SparkException.class,
                () -> spark.parallelize(List.of(1, 2), 1).map(Unlisted::new).collect());
        assertTrue(e.getMessage().contains("Class is not registered: " + Unlisted.class.getName()), e.getMessage());
    }

    /** {@code rows} examples of 6 features in 3 classes, the class shifting the features so that it can be learnt. */
    private static Examples examples(String name, int rows, Random random) {
        float[] features = new float[rows * 6];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(3);
            for (int f = 0; f < 6; f++) {
                features[r * 6 + f] = (float) random.nextGaussian() + (f % 3 == labels[r] ? 2f : 0f);
            }
        }
        return new Examples(name, features, labels, new int[] {6}, 3);
    }

    private static INDArray sum(Iterable<INDArray> arrays) {
        INDArray total = null;
        for (INDArray array : arrays) {
            total = total == null ? array.dup() : total.addi(array);
        }
        return total;
    }
}
