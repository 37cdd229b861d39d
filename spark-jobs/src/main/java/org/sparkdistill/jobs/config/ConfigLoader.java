package org.sparkdistill.jobs.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a {@link DistillConfig} from YAML (or JSON) and dotted overrides, listing every invalid setting at once.
 *
 * <p>Overrides such as {@code training.epochs=5} replace file values before validation, so flags win over the file.
 * {@code teachers} takes a comma-separated list of model files; {@code student.hidden} takes {@code 64,32}.
 */
public final class ConfigLoader {
    /** Every key that can be set, as a dotted path. */
    public static final List<String> KEYS = List.of("data.train", "data.test", "data.limit", "teachers",
            "ensemble.weighting", "student.hidden", "student.updater", "student.learningRate", "student.learningRateSchedule", "distillation.temperature",
            "distillation.temperatureEnd", "distillation.alpha", "distillation.alphaEnd", "training.epochs",
            "training.batchSize", "training.seed", "training.checkpointEvery", "output", "spark.master");

    private ConfigLoader() {}

    public static DistillConfig load(Path file, Map<String, String> overrides) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("configuration file " + file + " does not exist");
        }
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), overrides);
        } catch (IOException e) {
            throw new InvalidInputException("configuration file " + file + " cannot be read: " + e, e);
        }
    }

    public static DistillConfig parse(String yamlText, String source, Map<String, String> overrides) {
        Map<String, Object> root = parseMap(yamlText, source);
        List<String> violations = new ArrayList<>();
        overrides.forEach((key, value) -> applyOverride(root, key, value, violations));
        DistillConfig config = bind(root, violations);
        if (!violations.isEmpty()) {
            throw new ConfigException(source, violations);
        }
        return config;
    }

    /** Defaults for everything but the training data and the output directory. */
    public static DistillConfig defaults(String train, String output) {
        return parse("{}", "defaults", Map.of("data.train", train, "output", output));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseMap(String text, String source) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            throw new InvalidInputException("configuration " + source + " is not valid YAML at line "
                    + (e.getProblemMark().getLine() + 1) + ", column " + (e.getProblemMark().getColumn() + 1) + ": "
                    + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new InvalidInputException("configuration " + source + " is not valid YAML: " + e.getMessage(), e);
        }
        if (document == null) {
            throw new InvalidInputException("configuration " + source + " is empty; it needs at least data.train and output");
        }
        if (!(document instanceof Map)) {
            throw new InvalidInputException("configuration " + source + " must be a map of settings, but is "
                    + document.getClass().getSimpleName() + ": " + document);
        }
        return new LinkedHashMap<>((Map<String, Object>) document);
    }

    @SuppressWarnings("unchecked")
    private static void applyOverride(Map<String, Object> root, String key, String value, List<String> violations) {
        if (!KEYS.contains(key)) {
            violations.add("override " + key + ": unknown key; known keys: " + String.join(", ", KEYS));
            return;
        }
        Object parsed = switch (key) {
            case "teachers" -> teacherList(value);
            case "student.hidden" -> value.contains("[") ? scalar(value) : commaList(value);
            default -> scalar(value);
        };
        String[] parts = key.split("\\.");
        Map<String, Object> section = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Object next = section.get(parts[i]);
            if (!(next instanceof Map)) {
                next = new LinkedHashMap<String, Object>();
                section.put(parts[i], next);
            } else {
                next = new LinkedHashMap<>((Map<String, Object>) next);
                section.put(parts[i], next);
            }
            section = (Map<String, Object>) next;
        }
        section.put(parts[parts.length - 1], parsed);
    }

    private static Object scalar(String value) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(value);
        } catch (YAMLException e) {
            return value;
        }
    }

    private static List<Object> commaList(String value) {
        List<Object> items = new ArrayList<>();
        for (String item : value.split(",")) {
            items.add(scalar(item.trim()));
        }
        return items;
    }

    private static List<Object> teacherList(String value) {
        List<Object> teachers = new ArrayList<>();
        for (String path : value.split(",")) {
            if (!path.isBlank()) {
                teachers.add(Map.of("path", path.trim()));
            }
        }
        return teachers;
    }

    private static DistillConfig bind(Map<String, Object> map, List<String> violations) {
        Section root = new Section("", map, violations);

        Section data = root.section("data");
        String train = data.string("train", null, true);
        String test = data.string("test", null, false);
        int limit = (int) data.integer("limit", 0, DataConfig.LIMIT);
        data.rejectUnknownKeys();

        List<TeacherConfig> teachers = new ArrayList<>();
        for (Section t : root.sections("teachers")) {
            String path = t.string("path", null, true);
            double weight = t.real("weight", TeacherConfig.DEFAULT_WEIGHT, TeacherConfig.WEIGHT);
            t.rejectUnknownKeys();
            if (path != null) {
                teachers.add(new TeacherConfig(path, weight));
            }
        }

        Section ensemble = root.section("ensemble");
        EnsembleWeighting weighting = ensemble.choice("weighting", EnsembleWeighting.class, EnsembleWeighting.UNIFORM);
        ensemble.rejectUnknownKeys();

        StudentConfig s = StudentConfig.DEFAULT;
        Section student = root.section("student");
        List<Integer> hidden = student.integers("hidden", s.hidden(), StudentConfig.WIDTH);
        UpdaterKind updater = student.choice("updater", UpdaterKind.class, s.updater());
        double learningRate = student.real("learningRate", s.learningRate(), StudentConfig.LEARNING_RATE);
        LearningRateSchedule schedule = student.choice("learningRateSchedule", LearningRateSchedule.class,
                s.learningRateSchedule());
        student.rejectUnknownKeys();

        DistillationConfig d = DistillationConfig.DEFAULT;
        Section distillation = root.section("distillation");
        double temperature = distillation.real("temperature", d.temperature(), DistillationConfig.TEMPERATURE);
        Double temperatureEnd = distillation.real("temperatureEnd", null, DistillationConfig.TEMPERATURE);
        double alpha = distillation.real("alpha", d.alpha(), DistillationConfig.ALPHA);
        Double alphaEnd = distillation.real("alphaEnd", null, DistillationConfig.ALPHA);
        distillation.rejectUnknownKeys();

        TrainingConfig tr = TrainingConfig.DEFAULT;
        Section training = root.section("training");
        int epochs = (int) training.integer("epochs", tr.epochs(), TrainingConfig.EPOCHS);
        int batchSize = (int) training.integer("batchSize", tr.batchSize(), TrainingConfig.BATCH_SIZE);
        long seed = training.integer("seed", tr.seed(), TrainingConfig.SEED);
        int checkpointEvery = (int) training.integer("checkpointEvery", tr.checkpointEvery(), TrainingConfig.CHECKPOINT_EVERY);
        training.rejectUnknownKeys();

        String output = root.string("output", null, true);
        Section spark = root.section("spark");
        String master = spark.string("master", DistillConfig.DEFAULT_MASTER, false);
        if (master.isBlank()) {
            violations.add("spark.master = \"\": must not be blank");
        }
        spark.rejectUnknownKeys();
        root.rejectUnknownKeys();

        if (!violations.isEmpty()) {
            return null;
        }
        return new DistillConfig(new DataConfig(train, test, limit), teachers, weighting,
                new StudentConfig(hidden, updater, learningRate, schedule), new DistillationConfig(temperature, temperatureEnd, alpha, alphaEnd),
                new TrainingConfig(epochs, batchSize, seed, checkpointEvery), output, master);
    }
}
