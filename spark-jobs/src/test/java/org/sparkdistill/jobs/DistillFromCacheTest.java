package org.sparkdistill.jobs;

import org.sparkdistill.jobs.storage.StoragePath;
import org.sparkdistill.jobs.storage.OutputMarker;
import org.apache.hadoop.conf.Configuration;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertCloseRelativeToMove;
import static org.sparkdistill.jobs.CacheFixtures.CLASSES;
import static org.sparkdistill.jobs.CacheFixtures.FEATURES;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.core.io.Sha256;
import org.sparkdistill.jobs.cache.CacheManifest;
import org.sparkdistill.jobs.cache.SoftLabelCache;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.spark.ExampleFrames;

/** {@code distill} from a soft-label cache on local Spark: the same student as with live teachers, or a refusal. */
class DistillFromCacheTest {
    /**
     * The largest ‖from cache − online‖ / ‖online − initial‖ of the students' parameters allowed: measured 1.4e-7 to
     * 3.2e-7 over the four weighting and worker settings, so about three times the largest.
     */
    private static final double TEACHER_ROUNDING = 1e-6;

    @TempDir
    static Path dir;

    static CacheFixtures.Inputs in;

    /** Both teachers' logits kept whole, for all 600 training rows. */
    static Path wholeCache;

    @BeforeAll
    static void prepare() throws IOException {
        in = CacheFixtures.Inputs.prepare(dir, "distill-from-cache-test", 600);
        wholeCache = dir.resolve("whole");
        TeacherInferJob.run(in.spark(), config(List.of(in.teacherA(), in.teacherB()), "whole-writer",
                Map.of("cache.path", wholeCache.toString(), "cache.topK", "4")));
    }

    @AfterAll
    static void stop() {
        in.spark().stop();
    }

    static DistillConfig config(List<Path> teachers, String output, Map<String, String> settings) {
        return CacheFixtures.config(in.train(), in.test(), teachers, dir.resolve(output), settings);
    }

    static Map<String, String> with(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    /** The parameters the student of {@code config} starts from, before its first step. */
    static INDArray initialParameters(DistillConfig config) {
        MultiLayerNetwork student = StudentSpec.of(config.student()).build(FEATURES, CLASSES, config.training().seed(),
                1);
        INDArray parameters = student.params().dup();
        NetworkMemory.release(student);
        return parameters;
    }

    static INDArray studentParameters(Path output) throws IOException {
        MultiLayerNetwork student = ModelSerializer.restoreMultiLayerNetwork(
                output.resolve(DistillJob.MODEL_FILE).toFile(), false);
        return student.params();
    }

    /**
     * Whole logits come back from the cache bit for bit and are combined by the same code as live teachers' logits, so
     * the students differ only by the teachers' own rounding: a teacher's logits for a row differ in the last bit
     * between teacher-infer's batches of 256 rows and training's batches of 32 (in {@link TeacherInferJobTest}'s
     * fixture, 197 of 900 rows differ between batches of 32 and one batch of all rows; equal batches give equal
     * logits, with one thread as with two). Those soft targets, carried through 2 epochs of Adam, are measured
     * against how far the parameters moved from the initial ones.
     */
    @Test
    void aWholeLogitCacheTrainsTheSameStudentAsTheLiveTeachersUpToTheirRounding() throws IOException {
        INDArray initial = initialParameters(config(List.of(), "unused", Map.of()));
        for (String weighting : List.of("uniform", "confidence")) {
            for (String workers : List.of("1", "2")) {
                String name = weighting + "-" + workers;
                DistillJob.run(in.spark(), config(List.of(in.teacherA(), in.teacherB()), "online-" + name,
                        with("ensemble.weighting", weighting, "training.workers", workers)), "online");
                DistillJob.run(in.spark(), config(List.of(in.teacherA(), in.teacherB()), "cached-" + name,
                        with("ensemble.weighting", weighting, "training.workers", workers,
                                "cache.path", wholeCache.toString())), "cached");
                INDArray online = studentParameters(dir.resolve("online-" + name));
                INDArray cached = studentParameters(dir.resolve("cached-" + name));
                assertCloseRelativeToMove(initial, online, cached, TEACHER_ROUNDING,
                        name + ": the students' parameters");
            }
        }
    }

    /**
     * Peers that learn from each other and from the cached ensemble: every peer is written, each epoch reports both,
     * and the first peer trains as it does from the live teachers, up to their rounding.
     */
    @Test
    void peersLearnFromTheCacheAsFromTheLiveTeachers() throws IOException {
        INDArray initial = initialParameters(config(List.of(), "unused", Map.of()));
        Map<String, String> peers = with("student.peers", "[{}, {hidden: [16]}]", "distillation.objectives",
                "[{type: kd}, {type: mutual, weight: 0.5}]");
        DistillJob.run(in.spark(), config(List.of(in.teacherA(), in.teacherB()), "online-peers", peers), "online");
        peers.put("cache.path", wholeCache.toString());
        DistillJob.Outcome cached = DistillJob.run(in.spark(), config(List.of(in.teacherA(), in.teacherB()),
                "cached-peers", peers), "cached");
        assertEquals(2, cached.summary().last().peers().size(), cached.summary().last().toString());
        for (String peer : List.of(DistillJob.peerFile(0), DistillJob.peerFile(1))) {
            assertTrue(Files.isRegularFile(dir.resolve("cached-peers").resolve(peer)), peer);
        }
        assertCloseRelativeToMove(initial, peerParameters(dir.resolve("online-peers")),
                peerParameters(dir.resolve("cached-peers")), TEACHER_ROUNDING, "the first peer's parameters");
    }

    /**
     * Two codistilling groups that learn from each other and from the cached ensemble: each group's student is
     * written, and each trains as it does from the live teachers, up to their rounding.
     */
    @Test
    void codistillingGroupsLearnFromTheCacheAsFromTheLiveTeachers() throws IOException {
        INDArray initial = initialParameters(config(List.of(), "unused", Map.of()));
        Map<String, String> groups = with("training.workers", "2", "training.groups", "2", "training.exchangeEvery",
                "3", "distillation.objectives", "[{type: kd}, {type: codistill}]");
        DistillJob.run(in.spark(), config(List.of(in.teacherA(), in.teacherB()), "online-groups", groups), "online");
        groups.put("cache.path", wholeCache.toString());
        DistillJob.Outcome cached = DistillJob.run(in.spark(), config(List.of(in.teacherA(), in.teacherB()),
                "cached-groups", groups), "cached");
        assertEquals(2, cached.summary().last().peers().size(), cached.summary().last().toString());
        assertCloseRelativeToMove(initial, parameters(dir.resolve("online-groups"), DistillJob.groupFile(0)),
                parameters(dir.resolve("cached-groups"), DistillJob.groupFile(0)), TEACHER_ROUNDING,
                "group 0's parameters");
        assertTrue(Files.isRegularFile(dir.resolve("cached-groups").resolve(DistillJob.groupFile(1))));
    }

    private static INDArray peerParameters(Path output) throws IOException {
        return parameters(output, DistillJob.peerFile(0));
    }

    private static INDArray parameters(Path output, String file) throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(output.resolve(file).toFile(), false).params();
    }

    @Test
    void aTopKCacheTrainsAboutAsWellAsTheLiveTeacher() throws IOException {
        Path cache = dir.resolve("top2");
        TeacherInferJob.run(in.spark(), config(List.of(in.teacherA()), "top2-writer", with("cache.path", cache.toString(),
                "cache.topK", "2")));
        Map<String, String> longer = with("training.epochs", "10", "student.learningRate", "0.01");
        DistillJob.Outcome online = DistillJob.run(in.spark(), config(List.of(in.teacherA()), "online-top2", longer),
                "online");
        longer.put("cache.path", cache.toString());
        DistillJob.Outcome outcome = DistillJob.run(in.spark(), config(List.of(in.teacherA()), "from-top2", longer),
                "top-2");
        double accuracy = outcome.summary().last().accuracy();
        assertTrue(accuracy > 0.6, outcome.summary().last().toString());
        assertEquals(online.summary().last().accuracy(), accuracy, 0.05, "top 2 of 4 logits against live teachers");
    }

    InvalidInputException refused(List<Path> teachers, Map<String, String> settings) {
        return assertThrows(InvalidInputException.class, () -> DistillJob.run(in.spark(), config(teachers, "refused",
                settings), "refused"));
    }

    @Test
    void aCacheOfOtherTeachersIsRefusedNamingTheField() throws IOException {
        String prefix = "soft-label cache " + wholeCache + " does not match this job: ";
        String suffix = "; write the cache again with 'spark-distill teacher-infer' and this job's configuration";
        String shaA = Sha256.hex(Files.readAllBytes(in.teacherA()));
        String shaB = Sha256.hex(Files.readAllBytes(in.teacherB()));
        assertEquals(prefix + "the number of teachers is 2 (a.zip, b.zip) in its manifest.json but 1 (" + in.teacherA()
                + ") in this job" + suffix, refused(List.of(in.teacherA()), with("cache.path", wholeCache.toString()))
                .getMessage());
        assertEquals(prefix + "teachers[0].sha256 is " + shaA + " (a.zip) in its manifest.json but " + shaB + " ("
                + in.teacherB() + ") in this job" + suffix, refused(List.of(in.teacherB(), in.teacherA()),
                with("cache.path", wholeCache.toString())).getMessage());
        assertTrue(Files.notExists(dir.resolve("refused")));
    }

    @Test
    void aCacheOfOtherRowsIsRefusedNamingTheField() {
        String prefix = "soft-label cache " + wholeCache + " does not match this job: ";
        InvalidInputException fewer = refused(List.of(in.teacherA(), in.teacherB()),
                with("cache.path", wholeCache.toString(), "data.limit", "500"));
        assertTrue(fewer.getMessage().startsWith(prefix + "dataset.rows is 600 in its manifest.json but 500 (data.train = "
                + in.train() + ", data.limit = 500) in this job"), fewer.getMessage());

        Path otherRows = dir.resolve("other-rows.parquet");
        PrepareJob.run(in.spark(), CacheFixtures.examples("other", 600, 7L), otherRows);
        InvalidInputException other = assertThrows(InvalidInputException.class, () -> DistillJob.run(in.spark(),
                CacheFixtures.config(otherRows, in.test(), List.of(in.teacherA(), in.teacherB()), dir.resolve("refused"),
                        with("cache.path", wholeCache.toString())), "refused"));
        assertTrue(other.getMessage().startsWith(prefix + "dataset.xxhash64Xor is "), other.getMessage());
        assertTrue(other.getMessage().contains("as many rows, but other ids, features or labels"), other.getMessage());
    }

    @Test
    void aCacheWithoutManifestOrWithMissingFilesIsRefused() throws IOException {
        Path copy = dir.resolve("no-manifest");
        copyDirectory(wholeCache, copy);
        Files.delete(copy.resolve(CacheManifest.FILE_NAME));
        InvalidInputException e = refused(List.of(in.teacherA(), in.teacherB()), with("cache.path", copy.toString()));
        assertTrue(e.getMessage().startsWith("soft-label cache " + copy + " has no manifest.json: it is not a complete"
                + " cache (teacher-infer writes the manifest last, so its writing did not finish)"), e.getMessage());

        Path truncated = dir.resolve("truncated");
        copyDirectory(wholeCache, truncated);
        Path table = truncated.resolve(CacheManifest.TABLE);
        try (var parts = Files.list(table)) {
            Path part = parts.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().findFirst()
                    .orElseThrow();
            Files.delete(part);
            Files.deleteIfExists(table.resolve("." + part.getFileName() + ".crc"));
        }
        InvalidInputException missing = refused(List.of(in.teacherA(), in.teacherB()),
                with("cache.path", truncated.toString()));
        assertTrue(missing.getMessage().matches("soft-label cache " + truncated + " holds \\d+ rows but its manifest.json"
                + " says 600; .*"), missing.getMessage());
        AtomicDirectory.deleteRecursively(copy);
        AtomicDirectory.deleteRecursively(truncated);
    }

    @Test
    void aRepeatedIdInTheTrainingTableOrInTheCacheTableIsRefusedBeforeTheJoin() throws IOException {
        SoftLabelCache cache = SoftLabelCache.open(wholeCache.toString(), new Configuration());
        Dataset<Row> train = in.spark().read().parquet(in.train().toString());
        Dataset<Row> repeated = train.union(train.where(col(ExampleFrames.ID).equalTo(17)));
        InvalidInputException training = assertThrows(InvalidInputException.class,
                () -> cache.joinTo(in.spark(), repeated));
        assertEquals("the training table has id 17 in 2 rows; rows are joined by id, so every id must occur once",
                training.getMessage());

        Path doubled = dir.resolve("doubled-cache");
        Dataset<Row> logits = in.spark().read().parquet(wholeCache.resolve(CacheManifest.TABLE).toString());
        logits.union(logits.where(col(ExampleFrames.ID).equalTo(17))).write()
                .parquet(doubled.resolve(CacheManifest.TABLE).toString());
        CacheManifest m = cache.manifest();
        new CacheManifest(m.topK(), m.full(), m.numClasses(), m.rows() + 1, m.dataset(), m.teachers(), m.created())
                .writeTo(StoragePath.local(doubled));
        Files.copy(wholeCache.resolve(OutputMarker.FILE_NAME), doubled.resolve(OutputMarker.FILE_NAME));
        InvalidInputException cached = assertThrows(InvalidInputException.class,
                () -> SoftLabelCache.open(doubled.toString(), new Configuration()).joinTo(in.spark(), train));
        assertEquals("the soft-label cache table " + doubled.resolve(CacheManifest.TABLE) + " has id 17 in 2 rows;"
                + " rows are joined by id, so every id must occur once", cached.getMessage());
        AtomicDirectory.deleteRecursively(doubled);
    }

    static void copyDirectory(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }
}
