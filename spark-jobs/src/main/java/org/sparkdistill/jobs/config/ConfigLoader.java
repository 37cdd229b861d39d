package org.sparkdistill.jobs.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.BoundedText;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a {@link DistillConfig} from YAML (or JSON) and dotted overrides, reporting every invalid setting at once.
 *
 * <p>Overrides such as {@code training.epochs=5} replace file values before validation, so flags win over the file.
 * Their values are read as YAML scalars, except text settings (paths, the Spark master), which are taken literally;
 * an empty value unsets a key. {@code student.hidden} takes {@code [64, 32]} or {@code 64,32}; {@code teachers}
 * takes comma-separated model paths, each with weight 1.0. The document is read with SnakeYAML's safe constructor
 * into plain maps and lists, and duplicate keys are refused. Thread-safe: it keeps no state.
 */
public final class ConfigLoader {
    /** Every key an override may set, sorted. */
    public static final List<String> KEYS = Schema.KEYS;
    /** The largest configuration file read: 1 MiB. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private ConfigLoader() {}

    /**
     * Reads and validates {@code file}, with {@code overrides} replacing its values.
     *
     * @throws ConfigException listing every invalid setting, the file path first
     * @throws InvalidInputException if the file is missing, not a regular file, larger than {@link #MAX_FILE_BYTES},
     *     unreadable, not YAML, empty or not a map
     */
    public static DistillConfig load(Path file, Map<String, String> overrides) {
        return parse(BoundedText.readUtf8(file, MAX_FILE_BYTES, "configuration file"), Excerpt.of(file), overrides);
    }

    /**
     * Validates the configuration {@code yamlText}, with {@code overrides} replacing its values.
     *
     * @param sourceName names the text in every message, e.g. its file
     * @throws ConfigException listing every invalid setting, {@code sourceName} first
     * @throws InvalidInputException if the text is not YAML, is empty or is not a map
     */
    public static DistillConfig parse(String yamlText, String sourceName, Map<String, String> overrides) {
        Objects.requireNonNull(yamlText, "yamlText");
        Objects.requireNonNull(overrides, "overrides");
        Map<?, ?> document = document(yamlText, sourceName);
        List<String> violations = new ArrayList<>();
        Map<String, Object> flat = Schema.flatten(document, violations);
        overrides.forEach((key, text) -> override(flat, key, text, violations));
        DistillConfig config = Schema.bind(flat, violations);
        if (!violations.isEmpty()) {
            throw new ConfigException(sourceName, violations);
        }
        return config;
    }

    /**
     * The configuration with every setting at its default but the training data and the output directory.
     *
     * @throws ConfigException if either is null or blank
     */
    public static DistillConfig defaults(String train, String output) {
        Map<String, String> required = new LinkedHashMap<>();
        required.put(DataConfig.TRAIN.key(), train);
        required.put(DistillConfig.OUTPUT.key(), output);
        return parse("{}", "defaults", required);
    }

    private static Map<?, ?> document(String text, String source) {
        Object document;
        try {
            document = SafeYaml.load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new InvalidInputException(source + ": not valid YAML" + where + ": " + Excerpt.of(problem), e);
        } catch (YAMLException e) {
            throw new InvalidInputException(source + ": not valid YAML: " + Excerpt.of(e.getMessage()), e);
        }
        if (document == null) {
            throw new InvalidInputException(source + ": the configuration is empty; it needs at least "
                    + DataConfig.TRAIN.key() + " and " + DistillConfig.OUTPUT.key());
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new InvalidInputException(source + ": the configuration must be a map of settings, but is "
                    + (document instanceof List ? "a list" : "the single value " + Field.show(document)));
        }
        return map;
    }

    private static void override(Map<String, Object> flat, String key, String text, List<String> violations) {
        if (Schema.TEACHERS.equals(key)) {
            flat.put(key, Schema.teachersFromText(text));
            return;
        }
        Field<?> field = Schema.field(key);
        if (field == null) {
            violations.add("override " + Schema.unknown(key, new TreeSet<>(KEYS)));
            return;
        }
        flat.put(key, field.fromText(text));
    }
}
