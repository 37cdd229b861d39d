package org.sparkdistill.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.SparkSession;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.report.Json;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * The {@code metadata/} folder of a saved stage, in the form Spark ML's own stages write it (one line of JSON with
 * {@code class}, {@code timestamp}, {@code sparkVersion}, {@code uid}, {@code paramMap} and {@code defaultParamMap}),
 * so that {@code PipelineModel.load} finds the stage's class, and its reader the values.
 */
final class StageMetadata {
    private final String path;
    private final JsonNode root;

    private StageMetadata(String path, JsonNode root) {
        this.path = path;
        this.root = root;
    }

    /** A named value: a string, a string array or an int array. */
    static Map.Entry<String, Object> entry(String name, Object value) {
        return Map.entry(name, value);
    }

    /** Writes {@code stage}'s metadata, its {@code params} in the param map and {@code extra} beside it. */
    static void write(SparkSession spark, String path, Identifiable stage, List<Map.Entry<String, Object>> params,
            List<Map.Entry<String, Object>> extra) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("class", stage.getClass().getName());
        root.put("timestamp", System.currentTimeMillis());
        root.put("sparkVersion", spark.version());
        root.put("uid", stage.uid());
        ObjectNode paramMap = root.putObject("paramMap");
        params.forEach(entry -> paramMap.set(entry.getKey(), Json.tree(entry.getValue())));
        root.putObject("defaultParamMap");
        extra.forEach(entry -> root.set(entry.getKey(), Json.tree(entry.getValue())));
        new JavaSparkContext(spark.sparkContext()).parallelize(List.of(root.toString()), 1)
                .saveAsTextFile(metadataPath(path));
    }

    /**
     * Reads the metadata saved at {@code path} for a stage of class {@code type}.
     *
     * @throws InvalidInputException when there is none, or it is another class's
     */
    static StageMetadata read(SparkSession spark, String path, Class<?> type) {
        String text;
        try {
            text = new JavaSparkContext(spark.sparkContext()).textFile(metadataPath(path), 1).first();
        } catch (RuntimeException e) {
            throw new InvalidInputException(path + " holds no saved Spark ML stage: " + metadataPath(path)
                    + " is unreadable (" + e.getMessage() + ")", e);
        }
        JsonNode root = Json.read(text, metadataPath(path));
        String saved = root.path("class").asText();
        if (!saved.equals(type.getName())) {
            throw new InvalidInputException(path + " holds a saved " + saved + ", not a " + type.getName());
        }
        return new StageMetadata(path, root);
    }

    /** Refuses to replace {@code path} unless it holds a stage of {@code type} saved before. */
    static void requireSavedStage(SparkSession spark, String path, Class<?> type) {
        if (!StoragePath.of(metadataPath(path), spark.sparkContext().hadoopConfiguration()).exists()) {
            throw new InvalidInputException(path + " exists and holds no saved " + type.getSimpleName()
                    + "; spark-distill replaces only what it wrote: choose another path");
        }
        read(spark, path, type);
    }

    /** The names in the saved param map, in their order. */
    List<String> paramNames() {
        List<String> names = new ArrayList<>();
        root.path("paramMap").fieldNames().forEachRemaining(names::add);
        return names;
    }

    String uid() {
        return root.path("uid").asText();
    }

    String string(String param) {
        return value(root.path("paramMap"), param).asText();
    }

    String[] strings(String param) {
        ArrayNode values = (ArrayNode) value(root.path("paramMap"), param);
        String[] strings = new String[values.size()];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = values.get(i).asText();
        }
        return strings;
    }

    int[] ints(String field) {
        JsonNode values = value(root, field);
        int[] ints = new int[values.size()];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = values.get(i).asInt();
        }
        return ints;
    }

    private JsonNode value(JsonNode parent, String name) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            throw new InvalidInputException(metadataPath(path) + " has no " + name);
        }
        return value;
    }

    private static String metadataPath(String path) {
        return path.endsWith("/") ? path + "metadata" : path + "/metadata";
    }
}
