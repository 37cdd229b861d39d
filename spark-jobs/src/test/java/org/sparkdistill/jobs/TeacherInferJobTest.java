package org.sparkdistill.jobs;

import org.sparkdistill.jobs.storage.StoragePath;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;
import static org.sparkdistill.jobs.CacheFixtures.CLASSES;
import static org.sparkdistill.jobs.CacheFixtures.FEATURES;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.jobs.storage.OutputMarker;
import org.sparkdistill.core.io.Sha256;
import org.sparkdistill.core.teacher.Dl4jTeacher;
import org.sparkdistill.core.teacher.TopKLogits;
import org.sparkdistill.jobs.cache.CacheColumns;
import org.sparkdistill.jobs.cache.CacheManifest;
import org.sparkdistill.jobs.cache.DatasetFingerprint;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.spark.ExampleFrames;

/** {@code teacher-infer} on local Spark: what it writes, what it refuses, and what a failed run leaves. */
class TeacherInferJobTest {
    @TempDir
    static Path dir;

    static CacheFixtures.Inputs in;

    @BeforeAll
    static void prepare() throws IOException {
        in = CacheFixtures.Inputs.prepare(dir, "teacher-infer-test", 900);
    }

    @AfterAll
    static void stop() {
        in.spark().stop();
    }

    static DistillConfig config(List<Path> teachers, Path cache, Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("cache.path", cache.toString());
        return CacheFixtures.config(in.train(), in.test(), teachers, dir.resolve("unused-output"), all);
    }

    @Test
    void writesEachTeachersTopKLogitsAndHintsWithAManifest() throws IOException {
        Path cache = dir.resolve("top2");
        TeacherInferJob.Outcome outcome = TeacherInferJob.run(in.spark(), CacheFixtures.config(in.train(), in.test(),
                "  - {path: " + in.teacherA() + ", hints: [layer0]}\n  - {path: " + in.teacherB() + ", hints: [layer0]}\n",
                dir.resolve("unused-output"), Map.of("cache.path", cache.toString(), "cache.topK", "2")));

        CacheManifest manifest = CacheManifest.readFrom(StoragePath.local(cache));
        assertEquals(outcome.manifest(), manifest);
        assertEquals(2, manifest.topK());
        assertFalse(manifest.full());
        assertEquals(CLASSES, manifest.numClasses());
        assertEquals(900, manifest.rows());
        assertEquals(900, outcome.rowsInferred(), "each row is counted once, though two teachers ran on it");
        assertEquals(DatasetFingerprint.of(in.spark().read().parquet(in.train().toString())), manifest.dataset());
        String settings = "format=dl4j layout=auto shape=auto scale=1.0 mean=[] std=[] output=auto outputKind=auto";
        assertEquals(List.of(new CacheManifest.TeacherEntry("t0", "a.zip",
                        Sha256.hex(Files.readAllBytes(in.teacherA())), settings,
                        List.of(new CacheManifest.HintColumn("layer0", "t0_hint_layer0", 16))),
                new CacheManifest.TeacherEntry("t1", "b.zip", Sha256.hex(Files.readAllBytes(in.teacherB())), settings,
                        List.of(new CacheManifest.HintColumn("layer0", "t1_hint_layer0", 16)))), manifest.teachers());

        Dataset<Row> table = in.spark().read().parquet(cache.resolve(CacheManifest.TABLE).toString());
        assertEquals(List.of("id", "t0_values", "t0_indices", "t0_tail", "t0_hint_layer0", "t1_values", "t1_indices",
                "t1_tail", "t1_hint_layer0"), List.of(table.columns()));
        assertEquals(900, table.count());
        assertEquals(900, table.select("id").distinct().count());

        // Exact, as in keepsWholeLogitsWhenKCoversEveryClass.
        try (Dl4jTeacher a = Dl4jTeacher.load(in.teacherA())) {
            float[][] logits = inTeacherInferBatches(a::logits);
            float[][] hints = inTeacherInferBatches(x -> a.activations(x, List.of("layer0")).get(0));
            for (Row cached : table.filter(functions.col("id").isin(0L, 17L, 451L, 899L)).collectAsList()) {
                int id = (int) cached.getLong(0);
                TopKLogits expected = TopKLogits.compress(logits[id], 2);
                assertArrayEquals(expected.indices(), toInts(cached.getList(2)), "row " + id + ": indices");
                assertBitsEqual(expected.values(), toFloats(cached.getList(1)), "row " + id + ": top-2 logits");
                assertBitsEqual(new float[] {expected.tail()}, new float[] {cached.getFloat(3)}, "row " + id
                        + ": tail");
                assertBitsEqual(hints[id], toFloats(cached.getList(4)), "row " + id + ": hint layer0");
            }
        }
        assertEquals(List.of(OutputMarker.FILE_NAME, CacheManifest.TABLE, CacheManifest.FILE_NAME),
                CacheFixtures.listing(cache), "the Parquet table, its manifest and the output marker");
        assertTrue(CacheFixtures.listing(dir).stream().noneMatch(n -> n.startsWith(".top2")), "no staging is left");
        assertEquals(-1, outcome.resourceProfileId(), "local mode applies no resource profile");
        assertTrue(outcome.resources().contains("not applied: Spark master local[2] does not support stage-level"
                + " scheduling"), outcome.resources());
    }

    static int[] toInts(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    static float[] toFloats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /**
     * The stored logits are the teacher's own, bit for bit, for every row. They are compared with the teacher's output
     * on the same batches as teacher-infer's: a row's logits depend in their last bit on the size of the batch they
     * are computed in and the row's place in it (with this 8-16-4 teacher, 37 of the 900 rows differ between batches of
     * 256 and one batch of all rows, with one thread as with two), while equal batches give equal logits.
     */
    /**
     * The tasks' forward-pass times and row counts reach the outcome, from fresh accumulators in every run: the rows
     * exactly, and a time above zero that the tasks, at most one per core, cannot have spent beyond the run's wall time.
     */
    @Test
    void countsTheRowsAndTheTimeOfTheTeachersForwardPasses() {
        int slots = in.spark().sparkContext().defaultParallelism();
        for (String run : List.of("counted-1", "counted-2")) {
            long started = System.nanoTime();
            TeacherInferJob.Outcome outcome = TeacherInferJob.run(in.spark(), config(List.of(in.teacherA()),
                    dir.resolve(run), Map.of()));
            long wall = System.nanoTime() - started;
            assertEquals(900, outcome.rowsInferred(), run);
            assertTrue(outcome.inferenceNanos() > 0, run + ": " + outcome.inferenceNanos() + " ns");
            assertTrue(outcome.inferenceNanos() <= slots * wall, run + ": " + outcome.inferenceNanos()
                    + " ns of inference in a run of " + wall + " ns on " + slots + " cores");
            assertEquals(900 / (outcome.inferenceNanos() / 1e9), outcome.rowsPerTaskSecond(), 1e-6);
        }
    }

    @Test
    void keepsWholeLogitsWhenKCoversEveryClass() throws IOException {
        Path cache = dir.resolve("whole");
        TeacherInferJob.run(in.spark(), config(List.of(in.teacherA()), cache, Map.of("cache.topK", "4")));
        CacheManifest manifest = CacheManifest.readFrom(StoragePath.local(cache));
        assertTrue(manifest.full());
        Dataset<Row> table = in.spark().read().parquet(cache.resolve(CacheManifest.TABLE).toString());
        assertEquals(0, table.filter(functions.col(CacheColumns.indices(0)).isNotNull()
                .or(functions.col(CacheColumns.tail(0)).isNotNull())).count(), "no indices and no tail");

        List<Row> rows = table.orderBy("id").select("id", CacheColumns.values(0)).collectAsList();
        assertEquals(900, rows.size());
        float[][] stored = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i, rows.get(i).getLong(0), "ids 0 to 899, once each");
            stored[i] = toFloats(rows.get(i).getList(1));
            assertEquals(CLASSES, stored[i].length, "row " + i + ": one logit per class");
        }
        try (Dl4jTeacher a = Dl4jTeacher.load(in.teacherA())) {
            assertIdentical(Nd4j.create(inTeacherInferBatches(a::logits)), Nd4j.create(stored),
                    "stored logits against the teacher's, rows in id order");
        }
    }

    /**
     * What {@code output} gives for every training row, by id, computed on teacher-infer's batches: each partition of
     * the training table as Spark reads it, in order, {@link TeacherInferJob#BATCH_SIZE} rows at a time.
     */
    static float[][] inTeacherInferBatches(Function<INDArray, INDArray> output) {
        // Sorted by monotonically_increasing_id, the rows come partition by partition, each in its own order.
        Map<Integer, List<Row>> partitions = in.spark().read().parquet(in.train().toString())
                .select(functions.spark_partition_id().as("partition"),
                        functions.monotonically_increasing_id().as("position"), functions.col("id"))
                .orderBy("position").collectAsList().stream()
                .collect(Collectors.groupingBy(row -> row.getInt(0), TreeMap::new, Collectors.toList()));
        float[][] byId = new float[in.trainRows().size()][];
        for (List<Row> partition : partitions.values()) {
            for (int from = 0; from < partition.size(); from += TeacherInferJob.BATCH_SIZE) {
                int to = Math.min(partition.size(), from + TeacherInferJob.BATCH_SIZE);
                List<Row> batch = partition.subList(from, to);
                float[][] features = batch.stream().map(row -> in.trainRows().row((int) row.getLong(2)))
                        .toArray(float[][]::new);
                float[][] values = output.apply(Nd4j.create(features)).castTo(DataType.FLOAT).toFloatMatrix();
                for (int i = 0; i < batch.size(); i++) {
                    byId[(int) batch.get(i).getLong(2)] = values[i];
                }
            }
        }
        return byId;
    }

    /** Asserts that both arrays hold the same floats, bit for bit. */
    static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertIdentical(Nd4j.create(expected), Nd4j.create(actual), what);
    }

    @Test
    void badSettingsAreRefusedBeforeSparkRunsAndNothingIsWritten() throws IOException {
        Path cache = dir.resolve("refused");
        DistillConfig noCache = CacheFixtures.config(in.train(), in.test(), List.of(in.teacherA()), dir.resolve("o"),
                Map.of());
        assertEquals("cache.path is not set; teacher-infer writes the soft-label cache there",
                assertThrows(InvalidInputException.class, () -> TeacherInferJob.run(in.spark(), noCache)).getMessage());
        assertEquals("teacher-infer needs at least one teacher, but 'teachers' is empty", assertThrows(
                InvalidInputException.class, () -> TeacherInferJob.run(in.spark(), config(List.of(), cache, Map.of())))
                .getMessage());
        InvalidInputException layer = assertThrows(InvalidInputException.class, () -> TeacherInferJob.run(in.spark(),
                CacheFixtures.config(in.train(), in.test(), "  - {path: " + in.teacherA() + ", hints: [layer0, fc9]}\n",
                        dir.resolve("unused-output"), Map.of("cache.path", cache.toString()))));
        assertEquals("teacher 'a.zip' has no layer 'fc9'; its layers (by index or name): 0 'layer0', 1 'layer1'",
                layer.getMessage());
        Path missing = dir.resolve("missing.zip");
        assertEquals("teacher model file " + missing + " does not exist", assertThrows(InvalidInputException.class,
                () -> TeacherInferJob.run(in.spark(), config(List.of(missing), cache, Map.of()))).getMessage());
        assertFalse(Files.exists(cache));
        assertTrue(CacheFixtures.listing(dir).stream().noneMatch(n -> n.startsWith(".refused")));
    }

    @Test
    void anEmptyDatasetIsRefusedAndLeavesNoCache() {
        Path empty = dir.resolve("empty.parquet");
        PrepareJob.run(in.spark(), in.trainRows().head(0), empty);
        Path cache = dir.resolve("cache-of-nothing");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TeacherInferJob.run(in.spark(),
                CacheFixtures.config(empty, in.test(), List.of(in.teacherA()), dir.resolve("o"),
                        Map.of("cache.path", cache.toString()))));
        assertEquals("data.train = " + empty + " has no rows", e.getMessage());
        assertFalse(Files.exists(cache));
    }

    @Test
    void aTeacherThatFailsMidWriteLeavesNoValidLookingCache() throws IOException {
        // Written from two partitions of 450 rows, ids 0-449 and 450-899 (PrepareJob on local[2]); inference takes
        // batches of 256, so row 850 is in the second batch of the second task: that task has already handed 256
        // rows to the Parquet writer when the teacher fails.
        Path poisonedData = dir.resolve("poisoned.parquet");
        PrepareJob.run(in.spark(), CacheFixtures.poisoned(in.trainRows(), 850), poisonedData);
        assertEquals(2, CacheFixtures.listing(poisonedData).stream().filter(n -> n.endsWith(".parquet")).count());
        assertEquals(256, TeacherInferJob.BATCH_SIZE);
        Path poisoned = CacheFixtures.poisonedTeacher(dir);
        Path cache = dir.resolve("interrupted");
        DistillConfig failing = CacheFixtures.config(poisonedData, in.test(), List.of(poisoned), dir.resolve("o"),
                Map.of("cache.path", cache.toString(), "overwrite", "true"));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TeacherInferJob.run(in.spark(), failing));
        assertTrue(e.getMessage().startsWith("teacher inference failed; nothing was written to " + cache.toAbsolutePath()),
                e.getMessage());
        assertTrue(e.getCause().getMessage().contains("the teacher met a poisoned row"), e.getCause().getMessage());
        assertFalse(Files.exists(cache), "no cache directory");
        assertTrue(CacheFixtures.listing(dir).stream().noneMatch(n -> n.startsWith(".interrupted")),
                "no staging directory: " + CacheFixtures.listing(dir));
        try (Stream<Path> files = Files.walk(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().equals(CacheManifest.FILE_NAME)
                    && p.toString().contains("interrupted")), "no manifest anywhere");
        }

        // An earlier cache at the same place stays as it was.
        DistillConfig good = CacheFixtures.config(poisonedData, in.test(), List.of(in.teacherA()), dir.resolve("o"),
                Map.of("cache.path", cache.toString()));
        CacheManifest earlier = TeacherInferJob.run(in.spark(), good).manifest();
        assertThrows(IllegalStateException.class, () -> TeacherInferJob.run(in.spark(), failing));
        assertEquals(earlier, CacheManifest.readFrom(StoragePath.local(cache)));
        assertEquals(900, in.spark().read().parquet(cache.resolve(CacheManifest.TABLE).toString()).count());
    }

    @Test
    void theFingerprintDependsOnTheRowsNotOnTheirOrderOrPartitions() {
        Dataset<Row> frame = ExampleFrames.toFrame(in.spark(), in.trainRows().head(300));
        DatasetFingerprint fingerprint = DatasetFingerprint.of(frame);
        assertEquals(300, fingerprint.rows());
        assertEquals(fingerprint, DatasetFingerprint.of(frame.repartition(3).orderBy(functions.col("id").desc())));
        int[] labels = in.trainRows().head(300).labels().clone();
        labels[7] = (labels[7] + 1) % CLASSES;
        Examples relabelled = new Examples("train", in.trainRows().head(300).features(), labels, new int[] {FEATURES},
                CLASSES);
        DatasetFingerprint other = DatasetFingerprint.of(ExampleFrames.toFrame(in.spark(), relabelled));
        assertNotEquals(fingerprint.xor(), other.xor());
        assertNotEquals(fingerprint.sum(), other.sum());
        Dataset<Row> twice = frame.union(frame.filter("id = 5")).union(frame.filter("id = 5"));
        DatasetFingerprint duplicated = DatasetFingerprint.of(twice);
        assertEquals(fingerprint.xor(), duplicated.xor(), "XOR alone misses a row added twice");
        assertNotEquals(fingerprint.sum(), duplicated.sum(), "the sum does not");
        assertEquals(new DatasetFingerprint(0, "0000000000000000", "0"), DatasetFingerprint.of(frame.limit(0)));
    }
}
