package org.sparkdistill.core.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.data.IdxReader;
import org.sparkdistill.core.io.Sha256;

/** A teacher fixture's reference outputs: the rows fed, the expected outputs and intermediate tensors. */
public record Reference(Path model, JsonNode json) {
    public static final Path TEACHERS = Path.of("../fixtures/teachers");

    public static Reference of(String model) {
        try {
            return new Reference(TEACHERS.resolve(model), new ObjectMapper().readTree(referenceOf(model).toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code <model>.reference.json}, or {@code <model without its extension>.reference.json}. */
    private static Path referenceOf(String model) {
        Path full = TEACHERS.resolve(model + ".reference.json");
        return Files.exists(full) ? full : TEACHERS.resolve(model.replaceFirst("\\.(onnx|h5)$", ".reference.json"));
    }

    /** Every ONNX fixture that has reference outputs. */
    public static Stream<String> onnxModels() throws IOException {
        try (Stream<Path> files = Files.list(TEACHERS)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".onnx"))
                    .filter(f -> Files.exists(referenceOf(f))).sorted().toList().stream();
        }
    }

    public long[] rowShape() {
        List<Long> shape = new ArrayList<>();
        json.get("row_shape").forEach(d -> shape.add(d.asLong()));
        return shape.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The rows fed to the model: listed in the reference, or the first images of Fashion-MNIST's test set, each pixel
     * divided by 255, checked against the hash of their bytes that the reference gives.
     */
    public INDArray rows() {
        if (json.has("inputs")) {
            return matrix(json.get("inputs"));
        }
        Path images = FashionMnist.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz");
        assertTrue(Files.exists(images), images + " is missing: apt-get install dataset-fashion-mnist");
        int count = json.get("inputs_count").asInt();
        byte[] pixels = Arrays.copyOf(IdxReader.read(images).data(), count * 28 * 28);
        assertEquals(json.get("inputs_sha256").asText(), Sha256.hex(pixels), "the reference's images");
        float[][] rows = new float[count][28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            rows[i / (28 * 28)][i % (28 * 28)] = (pixels[i] & 0xff) / 255f;
        }
        return Nd4j.createFromArray(rows);
    }

    /** The first output that holds logits or probabilities. */
    public JsonNode prediction() {
        for (JsonNode output : json.get("outputs")) {
            String kind = output.get("kind").asText();
            if (kind.equals("logits") || kind.equals("probabilities")) {
                return output;
            }
        }
        throw new IllegalStateException(model + " has no prediction output");
    }

    public boolean hasManyOutputs() {
        return json.get("outputs").size() > 1;
    }

    public INDArray expected(String output) {
        return matrix(json.get("expected").get(output));
    }

    /** The intermediate tensors with expected values, by name. */
    public List<JsonNode> intermediate() {
        List<JsonNode> all = new ArrayList<>();
        json.path("intermediate").forEach(all::add);
        return all;
    }

    /** The description the reference's preprocessing asks for, choosing the prediction output by name. */
    public TeacherDescription description() {
        JsonNode p = json.get("preprocessing");
        TeacherInput input = new TeacherInput(null, null, p.get("scale").asDouble(),
                new double[] {p.get("mean").asDouble()}, new double[] {p.get("std").asDouble()});
        return new TeacherDescription(null, input, hasManyOutputs() ? prediction().get("name").asText() : null, null,
                List.of());
    }

    public static INDArray matrix(JsonNode rows) {
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
