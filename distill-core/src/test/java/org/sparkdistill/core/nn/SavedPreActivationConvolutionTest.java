package org.sparkdistill.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.core.nn.NativeHelpers.assertClose;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The convolution that keeps its pre-activation against DL4J's own convolution, both on the native helpers. */
class SavedPreActivationConvolutionTest {
    private static final int CLASSES = 3;
    private static final int BATCH = 6;

    static Stream<Arguments> convolutions() {
        return Stream.of(
                Arguments.of("one channel, 5×5", 1, 12, conv(4, 5, 1, 0, ConvolutionMode.Truncate, Activation.RELU, true)),
                Arguments.of("three channels, same 3×3", 3, 9, conv(5, 3, 1, 0, ConvolutionMode.Same, Activation.TANH, true)),
                Arguments.of("padded, no bias", 2, 8, conv(3, 3, 1, 1, ConvolutionMode.Truncate, Activation.SIGMOID, false)),
                Arguments.of("stride 2: DL4J's backward pass", 2, 9, conv(4, 3, 2, 0, ConvolutionMode.Truncate, Activation.RELU, true)),
                Arguments.of("even kernel, same: DL4J's backward pass", 2, 8, conv(3, 2, 1, 0, ConvolutionMode.Same, Activation.IDENTITY, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutions")
    void aLayerWhoseInputGradientIsReadMatchesDl4jsConvolution(String name, int channels, int side,
            ConvolutionLayer layer) {
        MultiLayerNetwork dl4j = network((ConvolutionLayer) layer.clone(), channels, side);
        MultiLayerNetwork own = network(SavedPreActivationConvolution.of(layer), channels, side);
        own.setParams(dl4j.params());
        Pair<Gradient, INDArray> expected = dl4j.calculateGradients(images(channels, side, 5), labels(5), null, null);
        Pair<Gradient, INDArray> actual = own.calculateGradients(images(channels, side, 5), labels(5), null, null);
        assertEquals(dl4j.getGradientsViewArray(), own.getGradientsViewArray(), name + ": parameter gradient");
        assertEquals(expected.getSecond(), actual.getSecond(), name + ": gradient of the images");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutions")
    void aLayerReadingTheImagesComputesItsParameterGradientsAsDl4jDoesAndNoImageGradient(String name, int channels, int side,
            ConvolutionLayer layer) {
        MultiLayerNetwork dl4j = network((ConvolutionLayer) layer.clone(), channels, side);
        MultiLayerNetwork own = network(SavedPreActivationConvolution.of(layer).withoutInputGradient(), channels, side);
        own.setParams(dl4j.params());
        Pair<Gradient, INDArray> expected = dl4j.calculateGradients(images(channels, side, 7), labels(7), null, null);
        Pair<Gradient, INDArray> actual = own.calculateGradients(images(channels, side, 7), labels(7), null, null);
        Map<String, INDArray> expectedByName = expected.getFirst().gradientForVariable();
        assertEquals(expectedByName.keySet(), actual.getFirst().gradientForVariable().keySet());
        double rtol = NativeHelpers.toleranceForSumsOf((long) BATCH * side * side);
        expectedByName.forEach((parameter, gradient) -> assertClose(name + ": gradient " + parameter, gradient,
                actual.getFirst().getGradientFor(parameter), rtol));
        if (name.contains("DL4J's backward pass")) {
            assertEquals(expected.getSecond(), actual.getSecond(), name + ": DL4J's gradient of the images");
        } else {
            assertEquals(0.0, actual.getSecond().amaxNumber().doubleValue(), name + ": no gradient of the images");
        }
    }

    @Test
    void aTrainingStepComputesEachPreActivationOnce() {
        AtomicInteger computed = new AtomicInteger();
        ConvolutionLayer layer = conv(4, 3, 1, 0, ConvolutionMode.Truncate, Activation.RELU, true);
        for (boolean inputGradient : new boolean[] {true, false}) {
            CountingConvolution counting = LayerSettings.copy(layer, new CountingConvolution(computed));
            MultiLayerNetwork network = network(inputGradient ? counting : counting.withoutInputGradient(), 2, 8);
            computed.set(0);
            network.setInput(images(2, 8, 3));
            network.setLabels(labels(3));
            network.computeGradientAndScore();
            assertEquals(1, computed.get(), "input gradient " + inputGradient + ": one forward convolution, none in "
                    + "the backward pass");
        }
    }

    @Test
    void replacesOnlyPlainTwoDimensionalConvolutions() {
        ConvolutionLayer plain = conv(4, 3, 1, 0, ConvolutionMode.Truncate, Activation.RELU, true);
        assertTrue(SavedPreActivationConvolution.replaces(plain));
        ConvolutionLayer noisy = new ConvolutionLayer.Builder(3, 3).nOut(4).name("noisy")
                .weightNoise(new DropConnect(0.5)).build();
        for (org.deeplearning4j.nn.conf.layers.Layer refused : List.of(noisy,
                new Convolution1DLayer.Builder().kernelSize(3).nOut(2).build(), SavedPreActivationConvolution.of(plain))) {
            assertFalse(SavedPreActivationConvolution.replaces(refused), refused.toString());
        }
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SavedPreActivationConvolution.of(noisy));
        assertTrue(error.getMessage().contains("'noisy'"), error.getMessage());
        assertEquals(plain, SavedPreActivationConvolution.of(plain), "every setting copied");
    }

    @Test
    void aGraphKeepsTheLayerAndItsInputGradientSettingThroughJson() {
        MultiLayerNetwork network = network(SavedPreActivationConvolution.of(
                conv(4, 3, 1, 0, ConvolutionMode.Same, Activation.RELU, true)).withoutInputGradient(), 2, 8);
        MultiLayerConfiguration read = MultiLayerConfiguration.fromJson(network.getLayerWiseConfigurations().toJson());
        SavedPreActivationConvolution layer = assertInstanceOf(SavedPreActivationConvolution.class,
                read.getConf(0).getLayer());
        assertFalse(layer.computesInputGradient());
        MultiLayerNetwork restored = new MultiLayerNetwork(read);
        restored.init(network.params().dup(), false);
        assertInstanceOf(SavedPreActivationConvolutionLayer.class, restored.getLayer(0));
        assertEquals(network.output(images(2, 8, 1)), restored.output(images(2, 8, 1)));
    }

    /** Counts the pre-activations its layers compute. */
    static final class CountingConvolution extends SavedPreActivationConvolution {
        private final transient AtomicInteger computed;

        CountingConvolution(AtomicInteger computed) {
            this.computed = computed;
        }

        @Override
        protected SavedPreActivationConvolutionLayer newLayer(NeuralNetConfiguration conf, DataType dataType) {
            return new SavedPreActivationConvolutionLayer(conf, dataType) {
                @Override
                protected Pair<INDArray, INDArray> computePreOutput(boolean training, boolean forBackprop,
                        LayerWorkspaceMgr workspaceMgr) {
                    computed.incrementAndGet();
                    return super.computePreOutput(training, forBackprop, workspaceMgr);
                }
            };
        }
    }

    private static ConvolutionLayer conv(int nOut, int kernel, int stride, int padding, ConvolutionMode mode,
            Activation activation, boolean bias) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(padding, padding)
                .nOut(nOut).convolutionMode(mode).activation(activation).hasBias(bias).name("conv").build();
    }

    /** The images → {@code layer} → softmax output, with DL4J's native helpers on, as the trainer runs it. */
    private static MultiLayerNetwork network(ConvolutionLayer layer, int channels, int side) {
        return NativeHelpers.building(true, () -> {
            MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(9)
                    .dataType(DataType.FLOAT).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER).list()
                    .layer(layer)
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutional(side, side, channels)).build());
            network.init();
            return network;
        });
    }

    private static INDArray images(int channels, int side, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, BATCH, channels, side, side);
    }

    private static INDArray labels(long seed) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, CLASSES);
        for (int row = 0; row < BATCH; row++) {
            labels.putScalar(row, (int) ((row + seed) % CLASSES), 1f);
        }
        return labels;
    }
}
