package org.sparkdistill.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.sparkdistill.core.nn.NativeHelpers.assertClose;
import static org.sparkdistill.core.nn.NativeHelpers.building;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkdistill.core.train.Networks;

/** DL4J's convolution and pooling layers on their native helpers against the same layers on DL4J's built-in path. */
class ConvolutionHelpersTest {

    static Stream<Arguments> convolutions() {
        return Stream.of(
                Arguments.of("quickstart conv 1", 64, 1, 28, 28, conv(16, 5, 5, 1, 1, 0, 0, ConvolutionMode.Truncate, Activation.RELU, true)),
                Arguments.of("quickstart conv 2", 7, 16, 12, 12, conv(32, 5, 5, 1, 1, 0, 0, ConvolutionMode.Truncate, Activation.RELU, true)),
                Arguments.of("same, stride 2, batch 1", 1, 3, 9, 9, conv(4, 3, 3, 2, 2, 0, 0, ConvolutionMode.Same, Activation.TANH, true)),
                Arguments.of("same, stride 3, even kernel", 5, 3, 11, 11, conv(8, 4, 4, 3, 3, 0, 0, ConvolutionMode.Same, Activation.SIGMOID, true)),
                Arguments.of("padded, no bias", 3, 4, 8, 8, conv(6, 3, 3, 1, 1, 1, 1, ConvolutionMode.Truncate, Activation.RELU, false)),
                Arguments.of("non-square", 2, 2, 10, 7, conv(5, 2, 3, 2, 1, 1, 0, ConvolutionMode.Truncate, Activation.IDENTITY, true)));
    }

    static Stream<Arguments> poolings() {
        return Stream.of(
                Arguments.of("quickstart pool", 64, 16, 24, 24, pool(SubsamplingLayer.PoolingType.MAX, 2, 2, 0, ConvolutionMode.Truncate)),
                Arguments.of("max, same, batch 1", 1, 3, 9, 9, pool(SubsamplingLayer.PoolingType.MAX, 3, 2, 0, ConvolutionMode.Same)),
                Arguments.of("max, padded", 2, 3, 8, 8, pool(SubsamplingLayer.PoolingType.MAX, 3, 1, 1, ConvolutionMode.Truncate)),
                Arguments.of("average", 4, 2, 10, 10, pool(SubsamplingLayer.PoolingType.AVG, 2, 2, 0, ConvolutionMode.Truncate)),
                Arguments.of("average, same", 3, 2, 7, 7, pool(SubsamplingLayer.PoolingType.AVG, 3, 1, 0, ConvolutionMode.Same)),
                Arguments.of("average, padded", 2, 3, 8, 8, pool(SubsamplingLayer.PoolingType.AVG, 3, 2, 1, ConvolutionMode.Truncate)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutions")
    void aConvolutionMatchesTheBuiltInLayer(String name, int batch, int channels, int height, int width, Layer layer) {
        compareOneLayer(batch, channels, height, width, layer, MKLDNNConvHelper.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolings")
    void aPoolingMatchesTheBuiltInLayer(String name, int batch, int channels, int height, int width, Layer layer) {
        compareOneLayer(batch, channels, height, width, layer, MKLDNNSubsamplingHelper.class);
    }

    @Test
    void theQuickstartCnnHasTheSameGradient() {
        MultiLayerNetwork reference = building(false, () -> Networks.cnn(28, 28, 10, new Sgd(0.1), 5));
        MultiLayerNetwork fast = building(true, () -> Networks.cnn(28, 28, 10, new Sgd(0.1), 5));
        assertNull(reference.getLayer(0).getHelper(), "the reference network must use the built-in path");
        assertInstanceOf(MKLDNNConvHelper.class, fast.getLayer(0).getHelper());
        fast.setParams(reference.params().dup());
        DataSet batch = randomBatch(32, 784, 10, 11);

        for (MultiLayerNetwork network : new MultiLayerNetwork[] {reference, fast}) {
            network.setInput(batch.getFeatures());
            network.setLabels(batch.getLabels());
            network.computeGradientAndScore();
        }
        assertEquals(reference.score(), fast.score(), 1e-5 * Math.abs(reference.score()), "score");
        long positions = 32 * 24 * 24;
        assertGradientsClose(reference.gradient(), fast.gradient(), positions);
    }

    @Test
    void aComputationGraphUsesTheHelpersWithTheSameGradient() {
        ComputationGraph reference = building(false, ConvolutionHelpersTest::graph);
        ComputationGraph fast = building(true, ConvolutionHelpersTest::graph);
        assertInstanceOf(MKLDNNConvHelper.class, fast.getLayer("conv").getHelper());
        assertInstanceOf(MKLDNNSubsamplingHelper.class, fast.getLayer("pool").getHelper());
        fast.setParams(reference.params().dup());
        DataSet batch = randomBatch(6, 3 * 10 * 10, 4, 13);
        INDArray images = batch.getFeatures().reshape(6, 3, 10, 10);

        for (ComputationGraph graph : new ComputationGraph[] {reference, fast}) {
            graph.setInputs(images);
            graph.setLabels(batch.getLabels());
            graph.computeGradientAndScore();
        }
        assertClose("output", reference.outputSingle(images), fast.outputSingle(images));
        assertGradientsClose(reference.gradient(), fast.gradient(), 6 * 10 * 10);
    }

    @Test
    void aSavedNetworkHoldsOnlyDl4jLayersAndLoadsOntoTheHelpers(@TempDir Path dir) throws IOException {
        MultiLayerNetwork fast = building(true, () -> Networks.cnn(28, 28, 10, new Sgd(0.1), 7));
        File file = dir.resolve("student.zip").toFile();
        ModelSerializer.writeModel(fast, file, true);

        String json = fast.getLayerWiseConfigurations().toJson();
        assertFalse(json.contains("sparkdistill") || json.contains("nativeblas") || json.contains("Helper"), json);
        MultiLayerNetwork plain = building(false, () -> restore(file));
        MultiLayerNetwork restored = building(true, () -> restore(file));
        assertNull(plain.getLayer(0).getHelper());
        assertInstanceOf(MKLDNNConvHelper.class, restored.getLayer(0).getHelper());
        INDArray images = randomBatch(5, 784, 10, 17).getFeatures();
        assertClose("restored output", plain.output(images), restored.output(images));
        assertClose("output", fast.output(images), restored.output(images));
    }

    private static void compareOneLayer(int batch, int channels, int height, int width, Layer layer,
                                        Class<?> helperType) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list().layer(layer)
                .setInputType(InputType.convolutional(height, width, channels)).build();
        MultiLayerNetwork reference = building(false, () -> init(conf.clone()));
        MultiLayerNetwork fast = building(true, () -> init(conf.clone()));
        assertNull(reference.getLayer(0).getHelper(), "the reference network must use the built-in path");
        assertInstanceOf(helperType, fast.getLayer(0).getHelper());
        fast.setParams(reference.params().dup());

        Nd4j.getRandom().setSeed(batch * 31L + channels);
        INDArray input = Nd4j.randn(DataType.FLOAT, batch, channels, height, width);
        INDArray expectedOut = reference.output(input, true);
        INDArray out = fast.output(input, true);
        assertClose("output", expectedOut, out);

        INDArray epsilon = Nd4j.randn(DataType.FLOAT, out.shape());
        Pair<Gradient, INDArray> expected = backward(reference, input, epsilon);
        Pair<Gradient, INDArray> actual = backward(fast, input, epsilon);
        assertGradientsClose(expected.getFirst(), actual.getFirst(), out.length() / out.size(1));
        assertClose("input epsilon", expected.getSecond(), actual.getSecond());
    }

    private static Pair<Gradient, INDArray> backward(MultiLayerNetwork network, INDArray input, INDArray epsilon) {
        network.setInput(input);
        network.feedForward(true, false);
        Pair<Gradient, INDArray> result = network.backpropGradient(epsilon.dup(), LayerWorkspaceMgr.noWorkspaces());
        return new Pair<>(result.getFirst(), result.getSecond().dup());
    }

    /** Compares every parameter's gradient; each sums over at most {@code positions} output positions. */
    private static void assertGradientsClose(Gradient expected, Gradient actual, long positions) {
        Map<String, INDArray> actualByName = actual.gradientForVariable();
        assertEquals(expected.gradientForVariable().keySet(), actualByName.keySet(), "gradient names");
        double rtol = NativeHelpers.toleranceForSumsOf(positions);
        expected.gradientForVariable().forEach(
                (name, gradient) -> assertClose("gradient " + name, gradient, actualByName.get(name), rtol));
    }

    private static Layer conv(int nOut, int kh, int kw, int sh, int sw, int ph, int pw, ConvolutionMode mode,
                              Activation activation, boolean bias) {
        return new ConvolutionLayer.Builder(kh, kw).stride(sh, sw).padding(ph, pw).nOut(nOut).convolutionMode(mode)
                .activation(activation).hasBias(bias).build();
    }

    private static Layer pool(SubsamplingLayer.PoolingType type, int kernel, int stride, int padding,
                              ConvolutionMode mode) {
        return new SubsamplingLayer.Builder(type).kernelSize(kernel, kernel).stride(stride, stride)
                .padding(padding, padding).convolutionMode(mode).build();
    }

    private static ComputationGraph graph() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(9)
                .dataType(DataType.FLOAT).updater(new Sgd(0.1)).weightInit(WeightInit.RELU).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(10, 10, 3))
                .addLayer("conv", conv(8, 3, 3, 1, 1, 0, 0, ConvolutionMode.Same, Activation.RELU, true), "in")
                .addLayer("pool", pool(SubsamplingLayer.PoolingType.MAX, 2, 2, 0, ConvolutionMode.Truncate), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build());
        graph.init();
        return graph;
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    private static MultiLayerNetwork restore(File file) {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(file, true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not restore " + file, e);
        }
    }

    private static DataSet randomBatch(int size, int features, int classes, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, size, features);
        INDArray y = Nd4j.zeros(DataType.FLOAT, size, classes);
        for (int i = 0; i < size; i++) {
            y.putScalar(i, i % classes, 1f);
        }
        return new DataSet(x, y);
    }
}
