package org.sparkdistill.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.sparkdistill.core.teacher.ChannelLayout;
import org.sparkdistill.core.teacher.OutputKind;
import org.sparkdistill.core.teacher.TeacherFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.train.StudentArchitecture;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;

class DistillConfigTest {
    static String resource(String name) throws IOException {
        try (InputStream in = DistillConfigTest.class.getResourceAsStream("/config/" + name)) {
            if (in == null) {
                throw new IOException("test resource /config/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static DistillConfig roundTrip(DistillConfig config) {
        return ConfigLoader.parse(config.toYaml(), "round trip", Map.of());
    }

    @Test
    void theGoldenFileParsesToTheExpectedRecord() throws IOException {
        DistillConfig expected = new DistillConfig(
                new DataConfig("/data/fashion/train.parquet", "/data/fashion/test.parquet", 20000)
                        .withShards(512L << 20, 128, 4096),
                List.of(new TeacherConfig("models/cnn.zip", 2.0, TeacherFormat.DL4J, ChannelLayout.NHWC,
                        List.of(28, 28, 1), 255, List.of(0.5), List.of(0.25), "probabilities",
                        OutputKind.PROBABILITIES, List.of("layer4", "2")),
                        new TeacherConfig("models/resnet.zip", 1.0)),
                EnsembleWeighting.FIXED,
                new StudentConfig(StudentArchitecture.RESNET, List.of(256, 64), List.of(8, 16), null,
                        UpdaterKind.NESTEROVS, 0.05, LearningRateSchedule.CONSTANT),
                new DistillationConfig(6.0, 2.0, 1.0, 0.0, List.of(
                        new ObjectiveConfig(ObjectiveConfig.Type.KD, 0.8, null, null, null),
                        new ObjectiveConfig(ObjectiveConfig.Type.HINT, 0.2, "block2", "layer4", 0))),
                new TrainingConfig(30, 128, 7L, 3, 500, "hdfs://namenode/ckpt", 5, "fixed:25", 40, 4, 15, 120),
                new CacheConfig("/cache/fashion-cnn", 3, 2, 0.5),
                "runs/student", true, "spark://head:7077");
        assertEquals(expected, ConfigLoader.parse(resource("golden-distill.yaml"), "golden-distill.yaml", Map.of()));
    }

    @Test
    void theGoldenFileResolvesByteForByte() throws IOException {
        DistillConfig config = ConfigLoader.parse(resource("golden-distill.yaml"), "golden-distill.yaml", Map.of());
        assertEquals(resource("golden-resolved.yaml"), config.toYaml());
        assertEquals(config, roundTrip(config));
    }

    @Test
    void theDefaultsResolveByteForByte() throws IOException {
        DistillConfig config = ConfigLoader.defaults("/usr/share/datasets/fashion-mnist", "runs/distill");
        assertEquals(resource("golden-defaults.yaml"), config.toYaml());
        assertEquals(config, roundTrip(config));
    }

    @Test
    void theExampleJobFilesAreValid() throws IOException {
        java.nio.file.Path jobs = java.nio.file.Path.of("..", "cluster-conf", "jobs");
        try (var files = java.nio.file.Files.list(jobs)) {
            List<java.nio.file.Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertTrue(!yaml.isEmpty(), "example job files in " + jobs);
            for (java.nio.file.Path file : yaml) {
                DistillConfig config = ConfigLoader.load(file, Map.of());
                assertEquals(config, roundTrip(config), file.toString());
            }
        }
    }

    @Test
    void awkwardValuesSurviveTheRoundTrip() {
        DistillConfig config = new DistillConfig(
                new DataConfig("dir with \"quotes\" and \\ and: colon #1", "tab\there, line\nbreak, \u0001, é, 日本",
                        Integer.MAX_VALUE),
                List.of(new TeacherConfig("- dash", Double.MAX_VALUE, TeacherFormat.KERAS, ChannelLayout.NCHW,
                        List.of(1, Integer.MAX_VALUE), Double.MIN_VALUE, List.of(-1e300, 0.0), List.of(1e-300),
                        "a: b", OutputKind.LOGITS, List.of("0", "a: b", "- c", "[d]", "null")),
                        new TeacherConfig("yes", 1e-300)),
                EnsembleWeighting.CONFIDENCE,
                new StudentConfig(List.of(1, 65536), UpdaterKind.SGD, 1e-4, LearningRateSchedule.LINEAR),
                new DistillationConfig(100, 1e-9, -0.0, 1.0),
                new TrainingConfig(100_000, 1, Long.MIN_VALUE, 4_096, Integer.MAX_VALUE, null, 100, "fixed:0.5", 1_000_000,
                        Integer.MAX_VALUE, 3_600, 86_400),
                new CacheConfig("yes", Integer.MAX_VALUE, 1024, 1e-9),
                "null", true, "~");
        assertEquals(config, roundTrip(config), config.toYaml());
        DistillConfig seeded = new DistillConfig(config.data(), List.of(), config.weighting(), config.student(),
                config.distillation(), new TrainingConfig(1, 1, Long.MAX_VALUE, 1, 0, null, 1, "per-layer", 1, 0, 1, 1),
                CacheConfig.DEFAULT, "{}", false, "[]");
        assertEquals(seeded, roundTrip(seeded), seeded.toYaml());
    }

    @Test
    void teachersAreAnUnmodifiableCopy() {
        List<TeacherConfig> teachers = new ArrayList<>(List.of(new TeacherConfig("t.zip", 1.0)));
        DistillConfig defaults = ConfigLoader.defaults("x", "out");
        DistillConfig config = new DistillConfig(defaults.data(), teachers, defaults.weighting(), defaults.student(),
                defaults.distillation(), defaults.training(), defaults.cache(), defaults.output(), defaults.overwrite(), defaults.master());
        teachers.clear();
        assertEquals(1, config.teachers().size());
        assertThrows(UnsupportedOperationException.class, () -> config.teachers().add(new TeacherConfig("u", 1)));
    }

    @Test
    void missingPartsAndBadTopLevelValuesAreRefused() {
        DistillConfig d = ConfigLoader.defaults("x", "out");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new DistillConfig(null,
                d.teachers(), d.weighting(), d.student(), d.distillation(), d.training(), d.cache(), d.output(), d.overwrite(), d.master()));
        assertEquals("data: required but missing", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> new DistillConfig(d.data(), d.teachers(), null,
                d.student(), d.distillation(), d.training(), d.cache(), d.output(), d.overwrite(), d.master()));
        assertEquals("ensemble.weighting: required but missing", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> new DistillConfig(d.data(), d.teachers(), d.weighting(),
                d.student(), d.distillation(), d.training(), d.cache(), d.output(), d.overwrite(), " "));
        assertEquals("spark.master = \" \": must not be blank", e.getMessage());
        List<TeacherConfig> withNull = new ArrayList<>();
        withNull.add(null);
        e = assertThrows(InvalidInputException.class, () -> new DistillConfig(d.data(), withNull, d.weighting(),
                d.student(), d.distillation(), d.training(), d.cache(), d.output(), d.overwrite(), d.master()));
        assertEquals("teachers[]: required but missing", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> new DistillConfig(d.data(), d.teachers(), d.weighting(),
                d.student(), d.distillation(), d.training(), null, d.output(), d.overwrite(), d.master()));
        assertEquals("cache: required but missing", e.getMessage());
    }
}
