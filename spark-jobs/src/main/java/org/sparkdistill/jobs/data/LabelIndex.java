package org.sparkdistill.jobs.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.config.SafeYaml;
import org.sparkdistill.jobs.report.Json;
import org.sparkdistill.jobs.storage.StoragePath;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The string labels of a dataset in class-index order: label {@code names.get(i)} is class {@code i}.
 *
 * <p>{@code distill} saves the index of its training data beside the student as {@value #FILE_NAME}, and
 * {@code evaluate} maps the string labels of its test data through it, so a class keeps its index from training to
 * evaluation. Immutable and thread-safe.
 *
 * @param names the labels, at least 2, each once
 */
public record LabelIndex(List<String> names) implements Serializable {
    /** The file beside a student that holds its label index. */
    public static final String FILE_NAME = "label-index.json";
    static final String FORMAT = "spark-distill-labels/1";
    /** The largest index file read. */
    static final int MAX_FILE_BYTES = 16 << 20;

    public LabelIndex {
        if (names == null || names.size() < 2) {
            throw new InvalidInputException("a label index needs at least 2 labels; got " + names);
        }
        if (names.stream().anyMatch(name -> name == null) || names.stream().distinct().count() != names.size()) {
            throw new InvalidInputException("a label index names each label once and none null; got "
                    + Excerpt.of(names));
        }
        names = List.copyOf(names);
    }

    /** The names of {@code classes} classes by index: those of {@code index}, or the indices for numeric labels. */
    public static List<String> classNames(LabelIndex index, int classes) {
        return index != null ? index.names() : IntStream.range(0, classes).mapToObj(String::valueOf).toList();
    }

    /** The class count. */
    public int size() {
        return names.size();
    }

    /** The index of each label. */
    public Map<String, Integer> indices() {
        Map<String, Integer> indices = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            indices.put(names.get(i), i);
        }
        return indices;
    }

    /** The index as JSON text: its format and the labels in order. */
    public String toJson() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("format", FORMAT);
        document.put("labels", names);
        return Json.write(document);
    }

    /**
     * Reads an index from the text {@link #toJson} writes.
     *
     * @param source where the text comes from, for messages
     * @throws InvalidInputException naming {@code source} when the text is not such an index
     */
    public static LabelIndex fromJson(String text, String source) {
        Object document;
        try {
            document = SafeYaml.load(text);
        } catch (YAMLException e) {
            throw new InvalidInputException(source + " is not a readable label index: " + Excerpt.of(e.getMessage()), e);
        }
        if (!(document instanceof Map<?, ?> map) || !FORMAT.equals(map.get("format"))
                || !(map.get("labels") instanceof List<?> list)) {
            throw new InvalidInputException(source + " is not a label index: it must be a JSON object with \"format\": \""
                    + FORMAT + "\" and the list \"labels\"");
        }
        List<String> names = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String name)) {
                throw new InvalidInputException(source + ": label " + Excerpt.of(item) + " is not a string");
            }
            names.add(name);
        }
        try {
            return new LabelIndex(names);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@value #FILE_NAME} into {@code directory}. */
    public void writeTo(StoragePath directory) throws IOException {
        directory.child(FILE_NAME).writeText(toJson());
    }

    /**
     * Reads a label index file.
     *
     * @throws InvalidInputException naming the file when it is missing, too large or not an index
     */
    public static LabelIndex readFrom(StoragePath file) {
        return fromJson(file.readText(MAX_FILE_BYTES, "label index"), "label index " + Excerpt.of(file.describe()));
    }
}
