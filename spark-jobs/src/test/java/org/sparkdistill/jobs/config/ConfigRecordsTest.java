package org.sparkdistill.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;
import org.sparkdistill.core.train.UpdaterKind;

/** The records check their own components with the same rules and messages as the loader. */
class ConfigRecordsTest {
    static void refused(String message, Executable construction) {
        assertEquals(message, assertThrows(InvalidInputException.class, construction).getMessage());
    }

    @Test
    void distillationChecksTemperatureAndAlpha() {
        refused("distillation.temperature = -1.0: must be in (0, 100]", () -> new DistillationConfig(-1.0, null, 0.5, null));
        refused("distillation.temperatureEnd = 100.5: must be in (0, 100]", () -> new DistillationConfig(1, 100.5, 0.5, null));
        refused("distillation.alpha = 1.5: must be in [0, 1]", () -> new DistillationConfig(1, null, 1.5, null));
        refused("distillation.alphaEnd = NaN: must be in [0, 1]", () -> new DistillationConfig(1, null, 1, Double.NaN));
        assertEquals(new DistillationConfig(4.0, null, 0.9, null), DistillationConfig.DEFAULT);
        assertEquals(1.0, new DistillationConfig(100, Double.MIN_VALUE, 0, 1.0).alphaEnd());
    }

    @Test
    void trainingChecksItsRanges() {
        refused("training.epochs = 0: must be in [1, 100000]", () -> training(0, 64, -1, 3, "adaptive", 20));
        refused("training.epochs = 100001: must be in [1, 100000]",
                () -> training(100_001, 64, 0, 3, "adaptive", 20));
        refused("training.batchSize = 65537: must be in [1, 65536]", () -> training(1, 65_537, 0, 3, "adaptive", 20));
        refused("training.checkpointEvery = -1: must be in [0, 2147483647]",
                () -> training(1, 1, -1, 3, "adaptive", 20));
        refused("training.replanEvery = 0: must be in [1, 1000000]", () -> training(1, 1, 0, 3, "adaptive", 0));
        refused("training.pipelineDepth = -1: must be in [0, 2147483647]",
                () -> new TrainingConfig(1, 1, 1, 1, 0, null, 3, "adaptive", 20, -1, 10, 60));
        assertEquals(0, new TrainingConfig(1, 1, 1, 1, 0, null, 3, "adaptive", 20, 0, 10, 60).pipelineDepth());
        assertEquals(new TrainingConfig(10, 64, 42L, 1, 0, null, 3, "adaptive", 20, 2, 10, 60), TrainingConfig.DEFAULT);
    }

    @Test
    void trainingAcceptsOnlyKnownBucketPolicies() {
        for (String policy : List.of("adaptive", "fused", "per-layer", "fixed:25", "fixed:0.5", "mgwfbp")) {
            assertEquals(policy, training(1, 1, 0, 3, policy, 20).gradientBuckets());
        }
        for (String policy : List.of("fixed", "fixed:0", "fixed:-1", "fixed:x", "ddp", "Adaptive ")) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> training(1, 1, 0, 3, policy, 20));
            assertTrue(e.getMessage().startsWith("training.gradientBuckets = \"" + policy + "\": "), e.getMessage());
            assertTrue(e.getMessage().contains("adaptive"), e.getMessage());
        }
    }

    private static TrainingConfig training(int epochs, int batchSize, int checkpointEvery, int attempts, String buckets,
            int replanEvery) {
        return new TrainingConfig(epochs, batchSize, 1, 1, checkpointEvery, null, attempts, buckets, replanEvery, 2, 10, 60);
    }

    @Test
    void cacheChecksItsRanges() {
        refused("cache.path = \"\": must not be blank", () -> new CacheConfig("", 5, 1, 0));
        refused("cache.topK = 0: must be in [1, 2147483647]", () -> new CacheConfig(null, 0, 1, 0));
        refused("cache.taskCpus = 1025: must be in [1, 1024]", () -> new CacheConfig(null, 5, 1025, 0));
        refused("cache.taskGpus = NaN: must be in [0, 1024]", () -> new CacheConfig(null, 5, 1, Double.NaN));
        refused("cache.taskGpus = 1.5: must be at most 0.5 or a whole number (Spark shares one GPU among the tasks"
                + " that each take a fraction of it)", () -> new CacheConfig(null, 5, 1, 1.5));
        for (double gpus : new double[] {0, 0.125, 0.5, 1, 2, 1024}) {
            assertEquals(gpus, new CacheConfig(null, 5, 1, gpus).taskGpus());
        }
        assertEquals(new CacheConfig(null, 5, 1, 0.0), CacheConfig.DEFAULT);
    }

    @Test
    void studentChecksWidthsAndLearningRateAndCopiesTheList() {
        refused("student.hidden = []: must be a non-empty list of integers, e.g. [128]",
                () -> new StudentConfig(List.of(), UpdaterKind.ADAM, 0.1, LearningRateSchedule.LINEAR));
        refused("student.hidden = [64, 65537]: element [1] = 65537 is not in [1, 65536]",
                () -> new StudentConfig(List.of(64, 65_537), UpdaterKind.ADAM, 0.1, LearningRateSchedule.LINEAR));
        refused("student.hidden = [64, null]: must be a non-empty list of integers, e.g. [128]",
                () -> new StudentConfig(Arrays.asList(64, null), UpdaterKind.ADAM, 0.1, LearningRateSchedule.LINEAR));
        refused("student.hidden: required but missing",
                () -> new StudentConfig(null, UpdaterKind.ADAM, 0.1, LearningRateSchedule.LINEAR));
        refused("student.learningRate = 0.0: must be in (0, 10]",
                () -> new StudentConfig(List.of(8), UpdaterKind.ADAM, 0, LearningRateSchedule.LINEAR));
        refused("student.updater: required but missing",
                () -> new StudentConfig(List.of(8), null, 0.1, LearningRateSchedule.LINEAR));

        List<Integer> widths = new ArrayList<>(List.of(32, 16));
        StudentConfig student = new StudentConfig(widths, UpdaterKind.SGD, 10, LearningRateSchedule.CONSTANT);
        widths.set(0, 1);
        assertEquals(List.of(32, 16), student.hidden());
        assertThrows(UnsupportedOperationException.class, () -> student.hidden().add(4));
        assertEquals(new StudentConfig(List.of(128), UpdaterKind.ADAM, 0.001, LearningRateSchedule.LINEAR),
                StudentConfig.DEFAULT);
    }

    @Test
    void dataAndTeachersCheckPathsLimitAndWeight() {
        refused("data.train: required but missing; set it to a path, or data.table to a catalog table", () -> new DataConfig(null, null, 0));
        refused("data.train = \"\": must not be blank", () -> new DataConfig("", null, 0));
        refused("data.test = \" \": must not be blank", () -> new DataConfig("x", " ", 0));
        refused("data.limit = -1: must be in [0, 2147483647]", () -> new DataConfig("x", null, -1));
        refused("data.shardMemory = -1: must be >= 0 bytes", () -> new DataConfig("x", null, 0).withShards(-1L, 256, 16384));
        refused("data.shuffleBlock = 0: must be in [1, 2147483647]", () -> new DataConfig("x", null, 0).withShards(null, 0, 1));
        refused("data.shuffleBuffer = 0: must be in [1, 2147483647]", () -> new DataConfig("x", null, 0).withShards(null, 1, 0));
        refused("teachers[].path: required but missing", () -> new TeacherConfig(null, 1));
        refused("teachers[].weight = 0.0: must be in (0, infinity)", () -> new TeacherConfig("t", 0));
        refused("teachers[].weight = Infinity: must be in (0, infinity)",
                () -> new TeacherConfig("t", Double.POSITIVE_INFINITY));
        assertEquals(Double.MAX_VALUE, new TeacherConfig("t", Double.MAX_VALUE).weight());
        refused("teachers[].input.scale = -1.0: must be in (0, infinity)", () -> new TeacherConfig("t", 1, null, null,
                null, -1, null, null, null, null, List.of()));
        refused("teachers[].input.std = [0.0]: element [0] = 0.0 is not in (0, infinity)", () -> new TeacherConfig("t",
                1, null, null, null, 1, null, List.of(0.0), null, null, List.of()));
        List<String> hints = new ArrayList<>(List.of("fc1"));
        TeacherConfig teacher = new TeacherConfig("t", 1, null, null, null, 1, null, null, null, null, hints);
        hints.add("fc2");
        assertEquals(List.of("fc1"), teacher.hints());
        assertThrows(UnsupportedOperationException.class, () -> teacher.hints().add("x"));
    }

    @Test
    void rangesPrintTheirEndsAndHoldNoNaN() {
        assertEquals("(0, 100]", Range.openClosed(0, 100).toString());
        assertEquals("[0, 1]", Range.closed(0, 1).toString());
        assertEquals("(0, infinity)", Range.finiteAbove(0).toString());
        assertEquals("[0.5, 2.25]", Range.closed(0.5, 2.25).toString());
        assertFalse(Range.closed(0, 1).contains(Double.NaN));
        assertFalse(Range.openClosed(0, 1).contains(0));
        assertTrue(Range.openClosed(0, 1).contains(1));
        assertThrows(IllegalArgumentException.class, () -> Range.closed(1, 0));
    }

    @Test
    void quotedTextEscapesWhatYamlCannotHold() {
        assertEquals("\"a\\\"b\\\\c\"", YamlText.quote("a\"b\\c"));
        assertEquals("\"\\u0009\\u000A\\u0085\"", YamlText.quote("\t\n\u0085"));
        assertEquals("\"é 日本\"", YamlText.quote("é 日本"));
    }
}
