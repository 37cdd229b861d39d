package org.sparkdistill.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    static String resource(String name) throws IOException {
        try (InputStream in = ConfigLoaderTest.class.getResourceAsStream("/config/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static ConfigException invalid(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml", Map.of()));
    }

    @Test
    void goldenFileParsesToTheExpectedRecord() throws IOException {
        DistillConfig config = ConfigLoader.parse(resource("golden-distill.yaml"), "golden-distill.yaml", Map.of());
        DistillConfig expected = new DistillConfig(
                new DataConfig("/data/fashion/train.parquet", "/data/fashion/test.parquet", 20000),
                List.of(new TeacherConfig("models/cnn.zip", 2.0), new TeacherConfig("models/resnet.zip", 1.0)),
                EnsembleWeighting.FIXED, new StudentConfig(List.of(256, 64), UpdaterKind.NESTEROVS, 0.05,
                        LearningRateSchedule.CONSTANT),
                new DistillationConfig(6.0, 2.0, 1.0, 0.0), new TrainingConfig(30, 128, 7L, 500),
                "runs/student", "spark://head:7077");
        assertEquals(expected, config);
        assertEquals(config, ConfigLoader.parse(config.toYaml(), "round trip", Map.of()), "toYaml round-trips");
    }

    @Test
    void defaultsResolveToTheGoldenYaml() throws IOException {
        DistillConfig config = ConfigLoader.defaults("/usr/share/datasets/fashion-mnist", "runs/distill");
        assertEquals(resource("golden-resolved.yaml"), config.toYaml());
        assertEquals(config, ConfigLoader.parse(config.toYaml(), "round trip", Map.of()));
    }

    @Test
    void everyViolationIsListedAtOnce() {
        ConfigException e = invalid("""
                data: {train: x, limit: -3}
                distillation: {temperature: -1, alpha: 1.5}
                training: {epochs: ten}
                output: out
                """);
        assertEquals(4, e.violations().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("invalid configuration test.yaml (4 problems)"), e.getMessage());
        assertTrue(e.violations().contains("data.limit = -3: must be in [0, 2147483647]"), e.getMessage());
        assertTrue(e.violations().contains("distillation.temperature = -1: must be in (0, 100]"), e.getMessage());
        assertTrue(e.violations().contains("distillation.alpha = 1.5: must be in [0, 1]"), e.getMessage());
        assertTrue(e.violations().contains("training.epochs = \"ten\": must be an integer"), e.getMessage());
    }

    @Test
    void unknownKeysAreNamedWithTheKnownOnes() {
        ConfigException e = invalid("""
                data: {train: x}
                output: out
                outptu: typo
                distillation: {temprature: 3}
                """);
        assertEquals(2, e.violations().size(), e.getMessage());
        assertTrue(e.violations().get(0).startsWith("distillation.temprature: unknown key; known keys: alpha, alphaEnd, "
                + "temperature, temperatureEnd"), e.getMessage());
        assertTrue(e.violations().get(1).startsWith("outptu: unknown key"), e.getMessage());
    }

    @Test
    void missingRequiredKeysBadEnumsAndBadTeachersAreListed() {
        ConfigException e = invalid("""
                ensemble: {weighting: majority}
                teachers: [just-a-string, {weight: 2}]
                student: {hidden: [64, 0], updater: rmsprop}
                """);
        List<String> v = e.violations();
        assertTrue(v.contains("data.train: required but missing"), e.getMessage());
        assertTrue(v.contains("output: required but missing"), e.getMessage());
        assertTrue(v.contains("ensemble.weighting = \"majority\": must be one of uniform, fixed, confidence"), e.getMessage());
        assertTrue(v.contains("teachers[0] = \"just-a-string\": must be a section of keys"), e.getMessage());
        assertTrue(v.contains("teachers[1].path: required but missing"), e.getMessage());
        assertTrue(v.contains("student.hidden[1] = 0: must be in [1, 65536]"), e.getMessage());
        assertTrue(v.contains("student.updater = \"rmsprop\": must be one of adam, sgd, nesterovs"), e.getMessage());
    }

    @Test
    void overridesBeatTheFileAndAreValidatedToo() throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, "data: {train: a}\noutput: out\ntraining: {epochs: 3}\n");
        DistillConfig config = ConfigLoader.load(file, Map.of("training.epochs", "7", "student.hidden", "64,32",
                "teachers", "t1.zip,t2.zip", "distillation.alphaEnd", "0"));
        assertEquals(7, config.training().epochs());
        assertEquals(List.of(64, 32), config.student().hidden());
        assertEquals(List.of(new TeacherConfig("t1.zip", 1.0), new TeacherConfig("t2.zip", 1.0)), config.teachers());
        assertEquals(0.0, config.distillation().alphaEnd());

        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, Map.of("training.epoch", "7", "distillation.temperature", "-2")));
        assertEquals(2, e.violations().size(), e.getMessage());
        assertTrue(e.getMessage().contains("override training.epoch: unknown key"), e.getMessage());
        assertTrue(e.getMessage().contains("distillation.temperature = -2: must be in (0, 100]"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void missingEmptyAndMalformedFilesAreRefusedClearly() throws IOException {
        Path missing = dir.resolve("absent.yaml");
        InvalidInputException absent = assertThrows(InvalidInputException.class, () -> ConfigLoader.load(missing, Map.of()));
        assertTrue(absent.getMessage().contains(missing.toString()), absent.getMessage());

        Path empty = dir.resolve("empty.yaml");
        Files.writeString(empty, "");
        InvalidInputException blank = assertThrows(InvalidInputException.class, () -> ConfigLoader.load(empty, Map.of()));
        assertTrue(blank.getMessage().contains("is empty"), blank.getMessage());

        Path malformed = dir.resolve("bad.yaml");
        Files.writeString(malformed, "data:\n  train: x\n  limit: [1, 2\noutput: y\n");
        InvalidInputException yaml = assertThrows(InvalidInputException.class, () -> ConfigLoader.load(malformed, Map.of()));
        assertTrue(yaml.getMessage().contains(malformed.toString()) && yaml.getMessage().contains("line 4"),
                yaml.getMessage());

        InvalidInputException list = assertThrows(InvalidInputException.class,
                () -> ConfigLoader.parse("- a\n- b\n", "list.yaml", Map.of()));
        assertTrue(list.getMessage().contains("must be a map of settings"), list.getMessage());
    }

    @Test
    void recordsCheckTheirOwnRanges() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new DistillationConfig(-1.0, null, 0.5, null));
        assertEquals("distillation.temperature = -1.0: must be in (0, 100]", e.getMessage());
        assertThrows(InvalidInputException.class, () -> new TrainingConfig(0, 64, 1, 0));
        assertThrows(InvalidInputException.class, () -> new StudentConfig(List.of(), UpdaterKind.ADAM, 0.1, LearningRateSchedule.LINEAR));
    }
}
