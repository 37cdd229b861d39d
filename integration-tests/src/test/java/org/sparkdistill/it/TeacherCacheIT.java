package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.io.OutputMarker;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.cache.CacheManifest;
import org.sparkdistill.jobs.cli.SparkDistill;

/**
 * {@code teacher-infer} then {@code distill} from its soft-label cache, through the command line on local Spark, on a
 * Fashion-MNIST subset with a CNN teacher.
 */
class TeacherCacheIT {
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

    static INDArray parameters(Path output) throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(output.resolve(DistillJob.MODEL_FILE).toFile(), false).params();
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

    @Test
    void distillingFromWholeLogitsTrainsTheSameStudentAsRunningTheTeacher() throws IOException {
        Path cached = dir.resolve("from-cache");
        Path online = dir.resolve("online");
        Fixtures.Run fromCache = Fixtures.cli("distill", "--config", job.toString(), "--output", cached.toString());
        assertEquals(0, fromCache.status(), fromCache.err());
        Fixtures.Run live = Fixtures.cli("distill", "--config", job.toString(), "--output", online.toString(),
                "--set", "cache.path=");
        assertEquals(0, live.status(), live.err());
        // Whole logits come back from the cache bit for bit, and cached and live logits are combined by the same code.
        // What differs is the CNN teacher's own rounding: its output for a row differs in the last bits (about 3e-8)
        // between the cache's batches of 256 rows and online distillation's training batches of 64. Carried through
        // 64 Adam steps this moved the students' parameters by at most 2.1e-7 when measured; the bound leaves room.
        double gap = parameters(online).sub(parameters(cached)).amaxNumber().doubleValue();
        assertEquals(0.0, gap, 1e-5, "the students' parameters differ by up to " + gap);
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
        assertRefused(Fixtures.cli("teacher-infer", "--config", job.toString(), "--cache", unwritten.toString(),
                "--set", "cache.hintLayers=fc9"), unwritten, "cache.hintLayers = [fc9]: teacher 'teacher.zip' has no"
                + " layer 'fc9'; its layers (by index or name): 0 'layer0', 1 'layer1'");
        assertRefused(Fixtures.cli("teacher-infer", "--cache", unwritten.toString()), unwritten,
                "teacher-infer reads the distill configuration: give it with --config FILE");
        assertTrue(Fixtures.listing(dir).stream().noneMatch(n -> n.startsWith(".cache-unwritten")));
    }
}
