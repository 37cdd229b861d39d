package org.sparkdistill.core.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.Networks;

class Dl4jTeacherTest {
    @TempDir
    Path dir;

    static MultiLayerNetwork network() {
        return Networks.mlp(6, List.of(5), 3, new Sgd(0.1), 7L);
    }

    static INDArray features() {
        return uniform(4, 6, 41L);
    }

    /** A {@code [rows, columns]} float array of values uniform in [0, 1), drawn from a generator of its own. */
    static INDArray uniform(int rows, int columns, long seed) {
        Random random = new Random(seed);
        float[][] values = new float[rows][columns];
        for (float[] row : values) {
            for (int c = 0; c < columns; c++) {
                row[c] = random.nextFloat();
            }
        }
        return Nd4j.createFromArray(values);
    }

    @Test
    void multiLayerNetworkZipGivesLogProbabilities() throws IOException {
        MultiLayerNetwork network = network();
        Path file = dir.resolve("mlp.zip");
        ModelSerializer.writeModel(network, file.toFile(), false);
        INDArray x = features();
        try (Dl4jTeacher teacher = Dl4jTeacher.load(file)) {
            assertEquals("mlp.zip", teacher.name());
            INDArray expected = network.output(x, false);
            INDArray recovered = Transforms.softmax(teacher.logits(x), false);
            assertEquals(0.0, expected.sub(recovered).amaxNumber().doubleValue(), 1e-6);
        }
    }

    @Test
    void computationGraphZipLoadsToo() throws IOException {
        ComputationGraph graph = graph();
        Path file = dir.resolve("graph.zip");
        ModelSerializer.writeModel(graph, file.toFile(), false);
        INDArray x = features();
        try (Dl4jTeacher teacher = Dl4jTeacher.load(file)) {
            INDArray recovered = Transforms.softmax(teacher.logits(x), false);
            assertEquals(0.0, graph.outputSingle(x).sub(recovered).amaxNumber().doubleValue(), 1e-6);
        }
    }

    @Test
    void aNetworksLayerActivationsComeByIndexOrNameFlattenedPerRow() {
        MultiLayerNetwork network = network();
        INDArray x = features();
        Dl4jTeacher teacher = Dl4jTeacher.of("mlp", network);
        assertEquals(List.of("layer0", "layer1"), teacher.layerNames());
        List<INDArray> activations = teacher.activations(x, List.of("0", "layer0", "1"));
        INDArray hidden = network.feedForward(x, false).get(1);
        assertEquals(List.of(4L, 5L), List.of(activations.get(0).size(0), activations.get(0).size(1)));
        // The same forward pass on the same input: the activations are the network's own, bit for bit.
        assertIdentical(hidden, activations.get(0), "layer 0 by index");
        assertIdentical(hidden, activations.get(1), "layer 0 by name");
        assertIdentical(network.output(x, false), activations.get(2), "layer 1, the output");
        assertEquals(List.of(), teacher.activations(x, List.of()));

        MultiLayerNetwork cnn = Networks.cnn(20, 20, 3, new Sgd(0.1), 2L);
        INDArray images = uniform(2, 400, 43L);
        INDArray conv = Dl4jTeacher.of("cnn", cnn).activations(images, List.of("0")).get(0);
        assertEquals(List.of(2L, 16L * 16 * 16), List.of(conv.size(0), conv.size(1)), "[N, channels, 16, 16] per row");
        INDArray direct = cnn.feedForwardToLayer(0, images, false).get(1);
        assertEquals(direct.getDouble(1, 3, 2, 5), conv.getDouble(1, 3 * 256 + 2 * 16 + 5), 0.0, "row-major flattening");
    }

    @Test
    void anUnknownLayerIsRefusedNamingTheTeacherAndItsLayers() {
        Dl4jTeacher teacher = Dl4jTeacher.of("mlp.zip", network());
        for (String layer : List.of("fc9", "2", "-1")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> teacher.requireLayers(List.of(layer)));
            assertEquals("teacher 'mlp.zip' has no layer '" + layer + "'; its layers (by index or name): 0 'layer0', "
                    + "1 'layer1'", e.getMessage());
        }
        assertThrows(InvalidInputException.class, () -> teacher.activations(features(), List.of("layer0", "fc9")));
    }

    @Test
    void aGraphsLayerActivationsComeByVertexName() {
        ComputationGraph graph = graph();
        Dl4jTeacher teacher = Dl4jTeacher.of("graph.zip", graph);
        assertEquals(List.of("hidden", "out"), teacher.layerNames());
        INDArray x = features();
        INDArray hidden = teacher.activations(x, List.of("hidden")).get(0);
        assertIdentical(graph.feedForward(x, false).get("hidden"), hidden, "vertex 'hidden'");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> teacher.requireLayers(List.of("in")));
        assertEquals("teacher 'graph.zip' has no layer 'in'; its layers (graph vertices): 'hidden', 'out'", e.getMessage());
    }

    static ComputationGraph graph() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(6).nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build());
        graph.init();
        return graph;
    }

    @Test
    void corruptZipIsRefusedWithTheFileNamed() throws IOException {
        Path file = dir.resolve("corrupt.zip");
        Files.write(file, "this is not a zip file at all".getBytes());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Dl4jTeacher.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a readable DL4J model zip"),
                e.getMessage());
    }

    @Test
    void truncatedZipIsRefused() throws IOException {
        Path whole = dir.resolve("whole.zip");
        ModelSerializer.writeModel(network(), whole.toFile(), false);
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Dl4jTeacher.load(truncated));
        assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nowhere.zip");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Dl4jTeacher.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void outputActivationOtherThanSoftmaxOrIdentityIsRefused() {
        MultiLayerNetwork sigmoid = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nIn(6).nOut(3)
                        .activation(Activation.SIGMOID).build()).build());
        sigmoid.init();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Dl4jTeacher.of("sig", sigmoid));
        assertTrue(e.getMessage().contains("'sig'") && e.getMessage().contains("sigmoid"), e.getMessage());
    }
}
