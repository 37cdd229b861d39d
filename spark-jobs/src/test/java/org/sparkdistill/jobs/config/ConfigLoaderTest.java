package org.sparkdistill.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.ShuffleOrder;
import org.sparkdistill.core.teacher.ChannelLayout;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.OutputKind;
import org.sparkdistill.core.teacher.TeacherDescription;
import org.sparkdistill.core.teacher.TeacherFormat;
import org.sparkdistill.core.teacher.TeacherInput;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.gradients.partition.PartitionPolicies;

class ConfigLoaderTest {
    private static final String MINIMAL = "data: {train: x}\noutput: out\n";

    @TempDir
    Path dir;

    static DistillConfig parse(String yaml, Map<String, String> overrides) {
        return ConfigLoader.parse(yaml, "test.yaml", overrides);
    }

    static ConfigException invalid(String yaml) {
        return invalid(yaml, Map.of());
    }

    static ConfigException invalid(String yaml, Map<String, String> overrides) {
        return assertThrows(ConfigException.class, () -> parse(yaml, overrides));
    }

    @Test
    void aMinimalFileGetsEveryDefault() {
        DistillConfig config = parse(MINIMAL, Map.of());
        assertEquals(new DataConfig("x", null, 0), config.data());
        assertEquals(List.of(), config.teachers());
        assertEquals(EnsembleWeighting.UNIFORM, config.weighting());
        assertEquals(new StudentConfig(List.of(128), UpdaterKind.ADAM, 0.001, LearningRateSchedule.LINEAR),
                config.student());
        assertEquals(new DistillationConfig(4.0, null, 0.9, null), config.distillation());
        assertEquals(new TrainingConfig(10, 64, 42L, 1, 0, null, 3, "adaptive", 20, 2, 10, 60), config.training());
        assertEquals(new CacheConfig(null, 5, 1, 0.0), config.cache());
        assertEquals(CacheConfig.DEFAULT, config.cache());
        assertEquals("out", config.output());
        assertEquals("local[*]", config.master());
        assertEquals(ConfigLoader.defaults("x", "out"), config);
    }

    @Test
    void jsonIsReadLikeYaml() {
        DistillConfig config = parse("""
                {"data": {"train": "x", "limit": 5}, "output": "out",
                 "teachers": [{"path": "t.zip", "weight": 0.5}], "student": {"hidden": [32, 16]}}
                """, Map.of());
        assertEquals(5, config.data().limit());
        assertEquals(List.of(new TeacherConfig("t.zip", 0.5)), config.teachers());
        assertEquals(List.of(32, 16), config.student().hidden());
    }

    @Test
    void everyViolationIsListedAtOnceUnderTheSourceName() {
        ConfigException e = invalid("""
                data: {train: x, limit: -3}
                distillation: {temperature: -1, alpha: 1.5}
                training: {epochs: ten, gradientBuckets: ddp}
                output: out
                """);
        assertEquals(List.of("data.limit = -3: must be in [0, 2147483647]",
                "distillation.temperature = -1: must be in (0, 100]",
                "distillation.alpha = 1.5: must be in [0, 1]",
                "training.epochs = \"ten\": must be an integer",
                "training.gradientBuckets = \"ddp\": " + assertThrows(IllegalArgumentException.class,
                        () -> PartitionPolicies.parse("ddp")).getMessage()), e.violations());
        assertTrue(e.getMessage().startsWith("test.yaml: invalid configuration, 5 problems:\n"), e.getMessage());
        assertEquals(6, e.getMessage().lines().count(), "a header and one line per violation: " + e.getMessage());
    }

    @Test
    void unknownKeysAreNamedWithTheKnownOnes() {
        ConfigException e = invalid(MINIMAL + "outptu: typo\ndistillation: {temprature: 3}\n");
        assertEquals(List.of(
                "outptu: unknown key; known keys: cache, data, distillation, ensemble, output, overwrite, spark, student, "
                        + "teachers, training",
                "distillation.temprature: unknown key; known keys: alpha, alphaEnd, objectives, temperature, temperatureEnd"),
                e.violations());
    }

    @Test
    void missingKeysBadEnumsAndBadTeachersAreListed() {
        ConfigException e = invalid("""
                ensemble: {weighting: majority}
                teachers: [just-a-string, {weight: 2, colour: red}]
                student: {hidden: [64, 0], updater: rmsprop}
                """);
        assertEquals(List.of("data.train: required but missing; set it to a path, or data.table to a catalog table",
                "teachers[0] = \"just-a-string\": must be a map with the keys format, hints, input, output, outputKind, path, weight",
                "teachers[1].colour: unknown key; known keys: format, hints, input, output, outputKind, path, weight",
                "teachers[1].path: required but missing",
                "ensemble.weighting = \"majority\": must be one of uniform, fixed, confidence",
                "student.hidden = [64, 0]: element [1] = 0 is not in [1, 65536]",
                "student.updater = \"rmsprop\": must be one of adam, sgd, nesterovs",
                "output: required but missing"), e.violations());
    }

    @Test
    void cacheSettingsAndThePipelineDepthAreCheckedWithTheOthers() {
        ConfigException e = invalid(MINIMAL + """
                training: {pipelineDepth: -1}
                cache: {path: "  ", topK: 0, taskCpus: 0, taskGpus: 0.75}
                """);
        assertEquals(List.of("training.pipelineDepth = -1: must be in [0, 2147483647]",
                "cache.path = \"  \": must not be blank",
                "cache.topK = 0: must be in [1, 2147483647]",
                "cache.taskCpus = 0: must be in [1, 1024]",
                "cache.taskGpus = 0.75: must be at most 0.5 or a whole number (Spark shares one GPU among the tasks"
                        + " that each take a fraction of it)"), e.violations());
        assertEquals(List.of("cache.hintLayers: unknown key; known keys: path, taskCpus, taskGpus, topK",
                "cache.taskGpus = -1: must be in [0, 1024]"),
                invalid(MINIMAL + "cache: {taskGpus: -1, hintLayers: [fc1]}\n").violations(),
                "hints are each teacher's, teachers[].hints");
    }

    @Test
    void shardMemoryIsReadAsBytesWithSparksSizeSuffixes() {
        assertEquals(null, parse(MINIMAL, Map.of()).data().shardMemory());
        assertEquals(1024L, parse("data: {train: x, shardMemory: 1024}\noutput: out\n", Map.of()).data()
                .shardMemory());
        assertEquals(0L, parse(MINIMAL, Map.of("data.shardMemory", "0")).data().shardMemory());
        assertEquals(512L << 20, parse(MINIMAL, Map.of("data.shardMemory", "512m")).data().shardMemory());
        assertEquals(2L << 30, parse(MINIMAL, Map.of("data.shardMemory", "2g")).data().shardMemory());
        assertEquals(64L << 10, parse(MINIMAL, Map.of("data.shardMemory", "64k")).data().shardMemory());
        DistillConfig shuffled = parse(MINIMAL, Map.of("data.shuffleBlock", "64", "data.shuffleBuffer", "1000"));
        assertEquals(new ShuffleOrder(64, 1000), shuffled.data().shuffleOrder());
        String suffixes = ": must be a number of bytes, or one with a unit suffix such as 512m or 2g";
        List<String> violations = invalid("""
                data: {train: x, shardMemory: -5, shuffleBlock: 0, shuffleBuffer: lots}
                output: out
                """).violations();
        assertEquals(List.of("data.shardMemory = -5: must be >= 0 bytes",
                "data.shuffleBlock = 0: must be in [1, 2147483647]",
                "data.shuffleBuffer = \"lots\": must be an integer"), violations);
        for (String bad : List.of("1.5g", "lots", "12 parsecs")) {
            List<String> v = invalid(MINIMAL, Map.of("data.shardMemory", bad)).violations();
            assertEquals(1, v.size(), v.toString());
            assertTrue(v.get(0).startsWith("data.shardMemory = \"" + bad + "\"" + suffixes + " ("), v.get(0));
        }
    }

    @Test
    void cacheSettingsAreReadFromTheFileAndFromFlags() {
        DistillConfig config = parse(MINIMAL + """
                training: {pipelineDepth: 0}
                cache: {path: /cache/fashion, topK: 3, taskCpus: 4, taskGpus: 0.25}
                """, Map.of());
        assertEquals(new CacheConfig("/cache/fashion", 3, 4, 0.25), config.cache());
        assertEquals(0, config.training().pipelineDepth());
        DistillConfig overridden = parse(MINIMAL, Map.of("cache.path", "c", "cache.taskGpus", "2",
                "training.pipelineDepth", "5"));
        assertEquals(new CacheConfig("c", 5, 1, 2.0), overridden.cache());
        assertEquals(5, overridden.training().pipelineDepth());
    }

    @Test
    void teacherSettingsAreRead() {
        DistillConfig config = parse(MINIMAL + """
                teachers:
                  - path: a.onnx
                    format: ONNX
                    input: {layout: nhwc, shape: [28, 28, 1], scale: 255, mean: [0.5, 0.25], std: [2]}
                    output: logits
                    outputKind: probabilities
                    hints: [/fc1/Relu_output_0, 2]
                  - {path: b.zip}
                """, Map.of());
        assertEquals(List.of(new TeacherConfig("a.onnx", 1.0, TeacherFormat.ONNX, ChannelLayout.NHWC,
                List.of(28, 28, 1), 255, List.of(0.5, 0.25), List.of(2.0), "logits", OutputKind.PROBABILITIES,
                List.of("/fc1/Relu_output_0", "2")), new TeacherConfig("b.zip", 1.0)), config.teachers());
        assertEquals(new TeacherInput(ChannelLayout.NHWC, new long[] {28, 28, 1}, 255, new double[] {0.5, 0.25},
                new double[] {2}), config.teachers().get(0).description().input());
        assertEquals(TeacherDescription.DETECTED, config.teachers().get(1).description());
    }

    @Test
    void badTeacherSettingsAreEachNamed() {
        ConfigException e = invalid(MINIMAL + """
                teachers:
                  - path: a.onnx
                    format: tflite
                    input: {layout: chw, shape: [0], scale: 0, mean: [x], std: [-1], colour: red}
                    output: ""
                    outputKind: scores
                    hints: [fc1, 2.5]
                  - {path: b.onnx, input: 5}
                """);
        assertEquals(List.of("teachers[0].input.colour: unknown key; known keys: layout, mean, scale, shape, std",
                "teachers[0].format = \"tflite\": must be one of dl4j, onnx, keras",
                "teachers[0].input.layout = \"chw\": must be one of nchw, nhwc",
                "teachers[0].input.shape = [0]: element [0] = 0 is not in [1, 2147483647]",
                "teachers[0].input.scale = 0: must be in (0, infinity)",
                "teachers[0].input.mean = [x]: element [0] = \"x\" is not a number",
                "teachers[0].input.std = [-1]: element [0] = -1 is not in (0, infinity)",
                "teachers[0].output = \"\": must not be blank",
                "teachers[0].outputKind = \"scores\": must be one of logits, probabilities",
                "teachers[0].hints = [fc1, 2.5]: element [1] = 2.5 is not a name or an index",
                "teachers[1].input = 5: must be a map with the keys layout, mean, scale, shape, std"), e.violations());
    }

    @Test
    void wrongTypesAreNamed() {
        ConfigException e = invalid("""
                data: {train: 5, test: "  "}
                teachers: models/t.zip
                student: {hidden: 128, learningRate: fast}
                training: {batchSize: 32.0}
                spark: local
                output: out
                """);
        assertEquals(List.of("spark = \"local\": must be a map with the keys master",
                "data.train = 5: must be text; put it in quotes",
                "data.test = \"  \": must not be blank",
                "teachers = \"models/t.zip\": must be a list of maps with the keys format, hints, input, output, outputKind, path, weight",
                "student.hidden = 128: must be a non-empty list of integers, e.g. [128]",
                "student.learningRate = \"fast\": must be a number",
                "training.batchSize = 32.0: must be an integer"), e.violations());
    }

    @Test
    void valuesBeyondTheJavaTypesAreRefusedNotWrapped() {
        ConfigException e = invalid("""
                data: {train: x, limit: 3000000000}
                training: {seed: 18446744073709551616}
                distillation: {temperature: .nan}
                teachers: [{path: t, weight: .inf}]
                output: out
                """);
        assertEquals(List.of("data.limit = 3000000000: must be in [0, 2147483647]",
                "teachers[0].weight = Infinity: must be in (0, infinity)",
                "distillation.temperature = NaN: must be in (0, 100]",
                "training.seed = 18446744073709551616: must fit in a signed 64-bit integer"), e.violations());
    }

    @Test
    void overridesBeatTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("job.yaml"), """
                data: {train: x, test: held-out}
                training: {epochs: 3}
                teachers: [{path: file.zip, weight: 3}]
                student: {hidden: [8]}
                output: out
                """);
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("training.epochs", "7");
        overrides.put("teachers", "t1.zip, t2.zip");
        overrides.put("distillation.alphaEnd", "0");
        overrides.put("student.updater", "SGD");
        overrides.put("data.test", "");
        DistillConfig config = ConfigLoader.load(file, overrides);
        assertEquals(7, config.training().epochs());
        assertEquals(List.of(new TeacherConfig("t1.zip", 1.0), new TeacherConfig("t2.zip", 1.0)), config.teachers());
        assertEquals(0.0, config.distillation().alphaEnd());
        assertEquals(UpdaterKind.SGD, config.student().updater());
        assertNull(config.data().test(), "an empty override unsets the key");
        assertEquals(List.of(8), config.student().hidden());
    }

    @Test
    void hiddenWidthsAreAcceptedAsAFlowListOrCommaSeparated() {
        assertEquals(List.of(64, 32), parse(MINIMAL, Map.of("student.hidden", "[64, 32]")).student().hidden());
        assertEquals(List.of(64, 32), parse(MINIMAL, Map.of("student.hidden", "64,32")).student().hidden());
        assertEquals(List.of(16), parse(MINIMAL, Map.of("student.hidden", "16")).student().hidden());
        assertEquals(List.of("student.hidden = [64, null]: must be a non-empty list of integers, e.g. [128]"),
                invalid(MINIMAL, Map.of("student.hidden", "64,")).violations());
    }

    @Test
    void textOverridesAreTakenLiterally() {
        DistillConfig config = parse("{}", Map.of("data.train", "010", "output", "1e3", "spark.master", "yes"));
        assertEquals("010", config.data().train());
        assertEquals("1e3", config.output());
        assertEquals("yes", config.master());
    }

    @Test
    void overridesAreValidatedAndUnknownOverrideKeysNamed() {
        ConfigException e = invalid(MINIMAL, Map.of("training.epoch", "7"));
        assertEquals(1, e.violations().size(), e.getMessage());
        assertTrue(e.violations().get(0).startsWith("override training.epoch: unknown key; known keys: cache.path, "),
                e.getMessage());
        assertTrue(e.violations().get(0).contains("training.epochs"), e.getMessage());

        e = invalid(MINIMAL, Map.of("distillation.temperature", "-2"));
        assertEquals(List.of("distillation.temperature = -2: must be in (0, 100]"), e.violations());
    }

    @Test
    void missingFilesAndDirectoriesAreNamed() {
        Path missing = dir.resolve("absent.yaml");
        InvalidInputException absent = assertThrows(InvalidInputException.class,
                () -> ConfigLoader.load(missing, Map.of()));
        assertEquals("configuration file " + missing + " does not exist", absent.getMessage());
        InvalidInputException directory = assertThrows(InvalidInputException.class,
                () -> ConfigLoader.load(dir, Map.of()));
        assertEquals("configuration file " + dir + " is a directory", directory.getMessage());
    }

    /** A YAML document whose nine levels of aliases would expand to 10^9 strings: "billion laughs". */
    static String aliasBomb() {
        StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
                + "\"lol\",\"lol\"]\n");
        for (char level = 'b'; level <= 'i'; level++) {
            String previous = "*" + (char) (level - 1);
            yaml.append(level).append(": &").append(level).append(" [").append(String.join(",",
                    java.util.Collections.nCopies(10, previous))).append("]\n");
        }
        return yaml.toString();
    }

    @Test
    void aFileLargerThanOneMebibyteIsRefusedBeforeParsing() throws IOException {
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, MINIMAL + "# " + "x".repeat(ConfigLoader.MAX_FILE_BYTES) + "\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals("configuration file " + file + " is larger than 1 MiB (1048576 bytes), the most it may hold",
                e.getMessage());
        Path limit = dir.resolve("limit.yaml");
        Files.writeString(limit, MINIMAL + "#" + "x".repeat(ConfigLoader.MAX_FILE_BYTES - MINIMAL.length() - 2) + "\n");
        assertEquals(ConfigLoader.MAX_FILE_BYTES, Files.size(limit));
        assertEquals("out", ConfigLoader.load(limit, Map.of()).output());
    }

    @Test
    void aDeviceIsRefusedWithoutReadingIt() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ConfigLoader.load(Path.of("/dev/zero"), Map.of()));
        assertEquals("configuration file /dev/zero is not a regular file (a device, pipe or socket); give a file",
                e.getMessage());
    }

    @Test
    void anAliasBombIsRefusedByTheAliasLimit() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse(aliasBomb(), Map.of()));
        assertEquals("test.yaml: not valid YAML: Number of aliases for non-scalar nodes exceeds the specified max="
                + SafeYaml.MAX_ALIASES, e.getMessage());
    }

    @Test
    void deepNestingIsRefusedByTheDepthLimit() {
        String deep = "a: " + "[".repeat(SafeYaml.MAX_DEPTH + 10) + "]".repeat(SafeYaml.MAX_DEPTH + 10) + "\n";
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse(deep, Map.of()));
        assertTrue(e.getMessage().startsWith("test.yaml: not valid YAML: Nesting Depth exceeded max "
                + SafeYaml.MAX_DEPTH), e.getMessage());
    }

    @Test
    void aTextOverTheCodePointLimitIsRefused() {
        String text = "output: " + "x".repeat(SafeYaml.MAX_CODE_POINTS) + "\ndata: {train: x}\n";
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse(text, Map.of()));
        assertTrue(e.getMessage().startsWith("test.yaml: not valid YAML: The incoming YAML document exceeds the limit: "
                + SafeYaml.MAX_CODE_POINTS + " code points."), e.getMessage());
    }

    @Test
    void longValuesAndKeysAreQuotedShort() {
        String value = "v".repeat(10_000);
        ConfigException e = invalid(MINIMAL + "student: {updater: " + value + "}\n? " + "k".repeat(5_000) + "\n: 1\n");
        assertEquals(2, e.violations().size(), e.getMessage());
        assertTrue(e.violations().get(0).startsWith("k".repeat(200) + "… (5000 characters): unknown key"),
                e.violations().get(0));
        assertTrue(e.violations().get(1).startsWith("student.updater = \"" + "v".repeat(200) + "…\" (10000 characters): "),
                e.violations().get(1));
        assertTrue(e.getMessage().length() < 2_000, e.getMessage());
        String list = "[" + "1, ".repeat(5_000) + "1]";
        ConfigException listed = invalid(MINIMAL + "training: {epochs: " + list + "}\n");
        assertTrue(listed.violations().get(0).startsWith("training.epochs = [1, 1, "), listed.violations().get(0));
        assertTrue(listed.violations().get(0).contains("… (" + list.length() + " characters): must be an integer"),
                listed.violations().get(0));
    }

    @Test
    void malformedYamlNamesTheFileLineAndColumn() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "data:\n  train: x\n  limit: [1, 2\noutput: y\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().startsWith(file + ": not valid YAML at line 4, column 7: "), e.getMessage());
    }

    @Test
    void duplicateKeysAreRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse(MINIMAL + "output: other\n",
                Map.of()));
        assertEquals("test.yaml: not valid YAML at line 3, column 1: found duplicate key output", e.getMessage());
    }

    @Test
    void emptyDocumentsAndDocumentsThatAreNotMapsAreRefused() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ConfigLoader.load(empty, Map.of()));
        assertEquals(empty + ": the configuration is empty; it needs at least data.train and output", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> parse("# only a comment\n", Map.of()));
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> parse("- a\n- b\n", Map.of()));
        assertEquals("test.yaml: the configuration must be a map of settings, but is a list", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> parse("hello", Map.of()));
        assertEquals("test.yaml: the configuration must be a map of settings, but is the single value \"hello\"",
                e.getMessage());
    }

    @Test
    void defaultsNeedTheTrainingDataAndTheOutput() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.defaults(null, " "));
        assertEquals(List.of("data.train: required but missing; set it to a path, or data.table to a catalog table", "output = \" \": must not be blank"), e.violations());
    }

    @Test
    void overwriteTakesOnlyTrueOrFalse() {
        assertTrue(ConfigLoader.parse("{data: {train: d}, output: o, overwrite: true}", "f", Map.of()).overwrite());
        assertFalse(ConfigLoader.parse("{data: {train: d}, output: o}", "f", Map.of("overwrite", "false")).overwrite());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("{data: {train: d}, output: o, overwrite: 1}", "f", Map.of()));
        assertEquals(List.of("overwrite = 1: must be true or false"), e.violations());
    }

    @Test
    void keysListEveryOverridableSetting() {
        assertEquals(53, ConfigLoader.KEYS.size(), ConfigLoader.KEYS.toString());
        assertTrue(ConfigLoader.KEYS.contains("teachers") && ConfigLoader.KEYS.contains("spark.master"));
        for (String key : ConfigLoader.KEYS) {
            assertTrue(key.equals("teachers") || key.equals("output") || key.equals("overwrite") || key.contains("."),
                    key);
        }
    }
}
