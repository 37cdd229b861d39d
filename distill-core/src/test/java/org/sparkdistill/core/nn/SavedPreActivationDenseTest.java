package org.sparkdistill.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The dense layer that keeps its pre-activation against DL4J's own dense layer. */
class SavedPreActivationDenseTest {
    private static final int FEATURES = 12;
    private static final int CLASSES = 4;

    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of("relu", dense(Activation.RELU).build()),
                Arguments.of("tanh, no bias", dense(Activation.TANH).hasBias(false).build()),
                Arguments.of("sigmoid, l2", dense(Activation.SIGMOID).l2(0.01).build()),
                Arguments.of("identity", dense(Activation.IDENTITY).build()),
                Arguments.of("leaky relu, dropout", dense(Activation.LEAKYRELU).dropOut(new Dropout(0.7)).build()),
                Arguments.of("softmax", dense(Activation.SOFTMAX).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void gradientsAndInputGradientMatchDl4jsDenseLayer(String name, DenseLayer layer) {
        MultiLayerNetwork dl4j = dl4jNetwork(layer);
        MultiLayerNetwork own = ownNetwork(layer, dl4j);
        DataSet batch = batch(9, 5);
        Nd4j.getRandom().setSeed(3);
        Pair<Gradient, INDArray> expected = dl4j.calculateGradients(batch.getFeatures(), batch.getLabels(), null, null);
        Nd4j.getRandom().setSeed(3);
        Pair<Gradient, INDArray> actual = own.calculateGradients(batch.getFeatures(), batch.getLabels(), null, null);
        assertEquals(expected.getFirst().gradientForVariable().keySet(), actual.getFirst().gradientForVariable().keySet());
        assertEquals(dl4j.getGradientsViewArray(), own.getGradientsViewArray(), name + ": parameter gradient");
        assertEquals(expected.getSecond(), actual.getSecond(), name + ": gradient of the network's input");
        assertEquals(dl4j.score(), own.score(), 1e-6, name + ": score");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void aFirstLayerWithoutInputGradientHasDl4jsParameterGradients(String name, DenseLayer layer) {
        MultiLayerNetwork dl4j = dl4jNetwork(layer);
        MultiLayerNetwork own = network(SavedPreActivationDense.of(layer).withoutInputGradient(),
                SavedPreActivationDense.of(layer));
        own.setParams(dl4j.params());
        DataSet batch = batch(9, 6);
        Nd4j.getRandom().setSeed(4);
        dl4j.calculateGradients(batch.getFeatures(), batch.getLabels(), null, null);
        Nd4j.getRandom().setSeed(4);
        Pair<Gradient, INDArray> actual = own.calculateGradients(batch.getFeatures(), batch.getLabels(), null, null);
        assertEquals(dl4j.getGradientsViewArray(), own.getGradientsViewArray(), name + ": parameter gradient");
        assertEquals(0.0, actual.getSecond().amaxNumber().doubleValue(), name + ": no gradient of the input");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void trainingMatchesDl4jStepByStep(String name, DenseLayer layer) {
        MultiLayerNetwork dl4j = dl4jNetwork(layer);
        MultiLayerNetwork own = ownNetwork(layer, dl4j);
        for (int step = 0; step < 4; step++) {
            Nd4j.getRandom().setSeed(10 + step);
            dl4j.fit(batch(8, 20 + step));
            Nd4j.getRandom().setSeed(10 + step);
            own.fit(batch(8, 20 + step));
            assertEquals(dl4j.params(), own.params(), name + ": parameters after step " + step);
        }
        assertEquals(dl4j.output(batch(5, 99).getFeatures()), own.output(batch(5, 99).getFeatures()), name + ": output");
    }

    @Test
    void aTrainingStepComputesEachPreActivationOnce() {
        AtomicInteger preOutputs = new AtomicInteger();
        MultiLayerNetwork network = network(new CountingDense(dense(Activation.RELU).build(), preOutputs),
                new CountingDense(dense(Activation.TANH).build(), preOutputs));
        network.setInput(batch(6, 1).getFeatures());
        network.setLabels(batch(6, 1).getLabels());
        network.computeGradientAndScore();
        assertEquals(2, preOutputs.get(), "one forward product per dense layer, none again in the backward pass");

        ComputationGraph graph = graph(new CountingDense(dense(Activation.RELU).build(), preOutputs));
        preOutputs.set(0);
        graph.setInputs(batch(6, 2).getFeatures());
        graph.setLabels(batch(6, 2).getLabels());
        graph.computeGradientAndScore();
        assertEquals(1, preOutputs.get(), "a graph's training step: one forward product");
    }

    @Test
    void aBackwardPassAfterTheInputChangedIsDl4js() {
        DenseLayer conf = dense(Activation.RELU).nIn(FEATURES).nOut(6).build();
        AtomicInteger preOutputs = new AtomicInteger();
        org.deeplearning4j.nn.api.Layer own = instantiate(new CountingDense(conf, preOutputs));
        org.deeplearning4j.nn.api.Layer dl4j = instantiate(conf);
        dl4j.setParams(own.params());
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        own.setInput(batch(5, 1).getFeatures(), noWorkspaces);
        own.activate(true, noWorkspaces);
        INDArray changed = batch(5, 2).getFeatures();
        own.setInput(changed, noWorkspaces);
        dl4j.setInput(changed, noWorkspaces);
        dl4j.activate(true, noWorkspaces);
        INDArray epsilon = Nd4j.rand(DataType.FLOAT, 5, 6);
        Pair<Gradient, INDArray> expected = dl4j.backpropGradient(epsilon.dup(), noWorkspaces);
        Pair<Gradient, INDArray> actual = own.backpropGradient(epsilon.dup(), noWorkspaces);
        assertEquals(2, preOutputs.get(), "the backward pass computed the pre-activation of the new input");
        assertEquals(expected.getFirst().gradient(), actual.getFirst().gradient());
        assertEquals(expected.getSecond(), actual.getSecond());
    }

    @Test
    void ofCopiesEverySetting() {
        DenseLayer layer = dense(Activation.TANH).nIn(7).nOut(3).name("hidden").l2(0.02).l1Bias(0.01)
                .updater(new Adam(0.003)).biasUpdater(new Sgd(0.5)).weightInit(WeightInit.RELU_UNIFORM)
                .dropOut(0.8).constrainWeights(new MaxNormConstraint(2.0, 1)).hasBias(false).build();
        SavedPreActivationDense copy = SavedPreActivationDense.of(layer);
        assertEquals(layer, copy);
        assertEquals(copy, layer);
        assertEquals(layer.toString(), copy.toString().replace("SavedPreActivationDense", "DenseLayer"));
        copy.setNOut(5);
        assertEquals(3, layer.getNOut(), "the copy is a layer of its own");
    }

    @Test
    void replacesOnlyPlainDenseLayers() {
        assertTrue(SavedPreActivationDense.replaces(dense(Activation.RELU).build()));
        DenseLayer noisy = dense(Activation.RELU).weightNoise(new DropConnect(0.5)).build();
        DenseLayer normalised = dense(Activation.RELU).hasLayerNorm(true).build();
        for (org.deeplearning4j.nn.conf.layers.Layer refused : List.of(noisy, normalised,
                SavedPreActivationDense.of(dense(Activation.RELU).build()),
                new OutputLayer.Builder().nIn(3).nOut(2).build())) {
            assertFalse(SavedPreActivationDense.replaces(refused), refused.toString());
        }
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SavedPreActivationDense.of(dense(Activation.RELU).name("noisy").weightNoise(new DropConnect(0.5))
                        .build()));
        assertTrue(error.getMessage().contains("'noisy'"), error.getMessage());
    }

    @Test
    void aGraphWithTheLayerKeepsItThroughJsonAndModelZips(@TempDir Path dir) throws IOException {
        ComputationGraph graph = graph(SavedPreActivationDense.of(dense(Activation.RELU).build()).withoutInputGradient());
        ComputationGraphConfiguration read = ComputationGraphConfiguration.fromJson(graph.getConfiguration().toJson());
        assertEquals(graph.getConfiguration(), read);
        SavedPreActivationDense hidden = assertInstanceOf(SavedPreActivationDense.class,
                ((LayerVertex) read.getVertices().get("hidden")).getLayerConf().getLayer());
        assertFalse(hidden.computesInputGradient(), "the input gradient setting is kept");

        File zip = dir.resolve("graph.zip").toFile();
        ModelSerializer.writeModel(graph, zip, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(zip, true);
        assertInstanceOf(SavedPreActivationDenseLayer.class, restored.getLayer("hidden"));
        assertEquals(graph.params(), restored.params());
        DataSet batch = batch(4, 3);
        assertEquals(graph.outputSingle(batch.getFeatures()), restored.outputSingle(batch.getFeatures()));
    }

    /** Counts the pre-activations its layers compute, forward and backward. */
    static final class CountingDense extends SavedPreActivationDense {
        private final transient AtomicInteger preOutputs;

        CountingDense(DenseLayer settings, AtomicInteger preOutputs) {
            LayerSettings.copy(settings, this);
            this.preOutputs = preOutputs;
        }

        @Override
        protected SavedPreActivationDenseLayer newLayer(NeuralNetConfiguration conf, DataType dataType) {
            return new SavedPreActivationDenseLayer(conf, dataType) {
                @Override
                protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                        LayerWorkspaceMgr workspaceMgr) {
                    preOutputs.incrementAndGet();
                    return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
                }
            };
        }
    }

    private static DenseLayer.Builder dense(Activation activation) {
        return new DenseLayer.Builder().activation(activation);
    }

    /** Two hidden layers like {@code layer} and a softmax output, on DL4J's dense layer. */
    private static MultiLayerNetwork dl4jNetwork(DenseLayer layer) {
        return network((DenseLayer) layer.clone(), (DenseLayer) layer.clone());
    }

    /** The network of {@link #dl4jNetwork} on the layer that keeps its pre-activation, with {@code dl4j}'s parameters. */
    private static MultiLayerNetwork ownNetwork(DenseLayer layer, MultiLayerNetwork dl4j) {
        MultiLayerNetwork own = network(SavedPreActivationDense.of(layer), SavedPreActivationDense.of(layer));
        own.setParams(dl4j.params());
        return own;
    }

    private static MultiLayerNetwork network(DenseLayer first, DenseLayer second) {
        first.setNIn(FEATURES);
        first.setNOut(9);
        second.setNIn(9);
        second.setNOut(7);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(0.01))
                .weightInit(WeightInit.XAVIER).list()
                .layer(first).layer(second)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(7).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    private static ComputationGraph graph(DenseLayer hidden) {
        hidden.setNIn(FEATURES);
        hidden.setNOut(5);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("input")
                .addLayer("hidden", hidden, "input")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("output").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    private static org.deeplearning4j.nn.api.Layer instantiate(DenseLayer layer) {
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).weightInit(WeightInit.XAVIER)
                .layer(layer).build();
        INDArray params = Nd4j.create(DataType.FLOAT, 1, conf.getLayer().initializer().numParams(conf));
        org.deeplearning4j.nn.api.Layer instance = conf.getLayer().instantiate(conf, List.of(), 0, params, true,
                DataType.FLOAT);
        instance.setBackpropGradientsViewArray(Nd4j.create(DataType.FLOAT, params.shape()));
        return instance;
    }

    private static DataSet batch(int rows, long seed) {
        Random random = new Random(seed);
        INDArray features = Nd4j.create(DataType.FLOAT, rows, FEATURES);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, rows, CLASSES);
        for (int row = 0; row < rows; row++) {
            labels.putScalar(row, random.nextInt(CLASSES), 1f);
            for (int column = 0; column < FEATURES; column++) {
                features.putScalar(row, column, (float) random.nextGaussian());
            }
        }
        return new DataSet(features, labels);
    }
}
