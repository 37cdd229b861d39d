package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertCloseRelativeToMove;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.jobs.storage.OutputMarker;
import org.sparkdistill.jobs.StudentSpec;
import org.sparkdistill.jobs.cache.CacheManifest;
import org.sparkdistill.jobs.cli.SparkDistill;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;

/**
 * {@code teacher-infer} then {@code distill} from its soft-label cache, through the command line on local Spark, on a
 * Fashion-MNIST subset with a CNN teacher.
 */
class TeacherCacheIT {
    /** The values of one Fashion-MNIST image. */
    private static final int FEATURES = 28 * 28;
    /**
     * The largest ‖from cache − online‖ / ‖online − initial‖ of the students' parameters allowed with the CNN teacher:
     * measured 2.6e-7, so about four times that.
     */
    private static final double CNN_ROUNDING = 1e-6;

    @TempDir
    static Path dir;

    static Path teacher;
    /** The teacher's logits kept whole for the first 2000 training rows, written by {@code teacher-infer}. */
    static Path wholeCache;
    static Path job;

    @BeforeAll
    static void trainTeacherAndCacheItsLogits() throws IOException {
        teacher = Fixtures.cnnTeacher(dir, 3000);
        wholeCache = dir.resolve("cache-whole");
        job = Fixtures.cacheJob(dir.resolve("job.yaml"), teacher, wholeCache, dir.resolve("unused"), 2000, 10);
        Fixtures.Run run = Fixtures.cli("teacher-infer", "--config", job.toString());
        assertEquals(0, run.status(), run.err());
    }

    /** The parameters the student of the job file {@code job} starts from, before its first step. */
    static INDArray initialParameters(Path job) {
        DistillConfig config = ConfigLoader.load(job, Map.of());
        MultiLayerNetwork student = StudentSpec.of(config.student()).build(FEATURES, FashionMnist.NUM_CLASSES,
                config.training().seed(), 1);
        INDArray parameters = student.params().dup();
        NetworkMemory.release(student);
        return parameters;
    }

    @Test
    void theCacheHoldsEveryRowsWholeLogitsAndAManifestNamingTheTeacher() throws IOException {
        assertEquals(List.of(OutputMarker.FILE_NAME, CacheManifest.TABLE, CacheManifest.FILE_NAME),
                Fixtures.listing(wholeCache));
        String manifest = Files.readString(wholeCache.resolve(CacheManifest.FILE_NAME));
        assertTrue(manifest.contains("\"topK\": 10") && manifest.contains("\"full\": true")
                && manifest.contains("\"rows\": 2000") && manifest.contains("\"file\": \"teacher.zip\"")
                && manifest.contains("\"logits\": \"temperature-free\""), manifest);
        assertTrue(Fixtures.listing(dir).stream().noneMatch(n -> n.startsWith(".cache-whole")), "no staging is left");
    }

    /**
     * With a CNN teacher the student distilled from whole cached logits differs from the online one only by the
     * teacher's own rounding: its output for a row differs in the last bits (about 3e-8) between teacher-infer's
     * batches of 256 rows and training's batches of 64. Carried through 64 Adam steps, that difference is measured
     * against how far the parameters moved from the student's initial ones.
     */
    @Test
    void distillingFromACnnTeachersWholeLogitsTrainsTheOnlineStudentUpToTheTeachersRounding() throws IOException {
        Path cached = dir.resolve("from-cache");
        Path online = dir.resolve("online");
        Fixtures.Run fromCache = Fixtures.cli("distill", "--config", job.toString(), "--output", cached.toString());
        assertEquals(0, fromCache.status(), fromCache.err());
        Fixtures.Run live = Fixtures.cli("distill", "--config", job.toString(), "--output", online.toString(),
                "--set", "cache.path=");
        assertEquals(0, live.status(), live.err());
        assertCloseRelativeToMove(initialParameters(job), Fixtures.studentParameters(online),
                Fixtures.studentParameters(cached), CNN_ROUNDING,
                "the students' parameters, online against from the cache");
        assertEquals(Fixtures.finalAccuracy(online), Fixtures.finalAccuracy(cached), 0.002);
    }

    @Test
    void aTopKCacheTrainsAStudentNearlyAsGood() throws IOException {
        Path top3 = dir.resolve("cache-top3");
        Fixtures.Run infer = Fixtures.cli("teacher-infer", "--config", job.toString(), "--cache", top3.toString(),
                "--top-k", "3");
        assertEquals(0, infer.status(), infer.err());
        Path out = dir.resolve("from-top3");
        Fixtures.Run run = Fixtures.cli("distill", "--config", job.toString(), "--cache", top3.toString(), "--output",
                out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(Fixtures.finalAccuracy(out) > 0.6, "accuracy " + Fixtures.finalAccuracy(out));
    }

    void assertRefused(Fixtures.Run run, Path output, String... fragments) throws IOException {
        assertEquals(SparkDistill.INVALID_INPUT, run.status(), run.err());
        assertTrue(run.err().startsWith("error: "), run.err());
        for (String fragment : fragments) {
            assertTrue(run.err().contains(fragment), "expected '" + fragment + "' in: " + run.err());
        }
        assertFalse(Files.exists(output), "no output is left");
    }

    @Test
    void aStaleOrForeignCacheIsRefusedNamingTheFieldThatDiffers() throws IOException {
        Path out = dir.resolve("refused");
        assertRefused(Fixtures.cli("distill", "--config", job.toString(), "--output", out.toString(), "--limit", "1500"),
                out, "soft-label cache " + wholeCache + " does not match this job: dataset.rows is 2000 in its"
                        + " manifest.json but 1500 (data.train = " + Fixtures.fashionMnist() + ", data.limit = 1500)");
        Path other = Fixtures.networkWithClasses(dir, 10);
        assertRefused(Fixtures.cli("distill", "--config", job.toString(), "--output", out.toString(), "--teacher",
                other.toString()), out, "does not match this job: teachers[0].sha256 is ", "(teacher.zip) in its"
                + " manifest.json but ", "(" + other + ") in this job");
    }

    @Test
    void aCacheWithoutManifestIsRefusedAndAFailedInferenceLeavesNone() throws IOException {
        Path noManifest = dir.resolve("cache-no-manifest");
        Files.createDirectories(noManifest.resolve(CacheManifest.TABLE));
        Path out = dir.resolve("refused-no-manifest");
        assertRefused(Fixtures.cli("distill", "--config", job.toString(), "--output", out.toString(), "--cache",
                noManifest.toString()), out, "soft-label cache " + noManifest + " has no manifest.json");

        Path unwritten = dir.resolve("cache-unwritten");
        Path hinted = Files.writeString(dir.resolve("hinted.yaml"), Files.readString(job).replace(
                "teachers: [{path: " + teacher + "}]", "teachers: [{path: " + teacher + ", hints: [fc9]}]"));
        assertRefused(Fixtures.cli("teacher-infer", "--config", hinted.toString(), "--cache", unwritten.toString()),
                unwritten, "teacher 'teacher.zip' has no layer 'fc9'; its layers (by index or name): 0 'layer0', 1"
                        + " 'layer1'");
        assertRefused(Fixtures.cli("teacher-infer", "--cache", unwritten.toString()), unwritten,
                "teacher-infer reads the distill configuration: give it with --config FILE");
        assertTrue(Fixtures.listing(dir).stream().noneMatch(n -> n.startsWith(".cache-unwritten")));
    }
}
