package org.sparkdistill.core.teacher.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.sparkdistill.core.teacher.TeacherDescription;
import org.sparkdistill.core.teacher.TeacherInput;

/** A teacher fixture's reference outputs: the rows fed, the expected outputs and intermediate tensors. */
record Reference(Path model, JsonNode json) {
    static final Path TEACHERS = Path.of("../fixtures/teachers");

    static Reference of(String model) {
        Path file = TEACHERS.resolve(model);
        try {
            return new Reference(file, new ObjectMapper().readTree(
                    TEACHERS.resolve(model.replaceFirst("\\.onnx$", ".reference.json")).toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every ONNX fixture that has reference outputs. */
    static Stream<String> onnxModels() throws IOException {
        try (Stream<Path> files = Files.list(TEACHERS)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".onnx"))
                    .filter(f -> Files.exists(TEACHERS.resolve(f.replaceFirst("\\.onnx$", ".reference.json"))))
                    .sorted().toList().stream();
        }
    }

    long[] rowShape() {
        List<Long> shape = new ArrayList<>();
        json.get("row_shape").forEach(d -> shape.add(d.asLong()));
        return shape.stream().mapToLong(Long::longValue).toArray();
    }

    INDArray rows() {
        return matrix(json.get("inputs"));
    }

    /** The first output that holds logits or probabilities. */
    JsonNode prediction() {
        for (JsonNode output : json.get("outputs")) {
            String kind = output.get("kind").asText();
            if (kind.equals("logits") || kind.equals("probabilities")) {
                return output;
            }
        }
        throw new IllegalStateException(model + " has no prediction output");
    }

    boolean hasManyOutputs() {
        return json.get("outputs").size() > 1;
    }

    INDArray expected(String output) {
        return matrix(json.get("expected").get(output));
    }

    /** The intermediate tensors with expected values, by name. */
    List<JsonNode> intermediate() {
        List<JsonNode> all = new ArrayList<>();
        json.path("intermediate").forEach(all::add);
        return all;
    }

    /** The description the reference's preprocessing asks for, choosing the prediction output by name. */
    TeacherDescription description() {
        JsonNode p = json.get("preprocessing");
        TeacherInput input = new TeacherInput(null, null, p.get("scale").asDouble(),
                new double[] {p.get("mean").asDouble()}, new double[] {p.get("std").asDouble()});
        return new TeacherDescription(null, input, hasManyOutputs() ? prediction().get("name").asText() : null, null,
                List.of());
    }

    static INDArray matrix(JsonNode rows) {
        float[][] values = new float[rows.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new float[rows.get(i).size()];
            for (int j = 0; j < values[i].length; j++) {
                values[i][j] = (float) rows.get(i).get(j).asDouble();
            }
        }
        return Nd4j.createFromArray(values).castTo(DataType.FLOAT);
    }
}
