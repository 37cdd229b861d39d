package org.sparkdistill.core.train;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The students the backward-observer tests train: two MultiLayerNetworks and two ComputationGraphs, with seeded batches. */
final class ObservedStudents {
    static final int FEATURES = 6;
    static final int CLASSES = 3;
    static final int BATCH = 8;
    static final int IMAGE_SIDE = 16;

    /** The kinds {@link #of} builds. */
    static final String MLP = "mlp";
    static final String CNN = "cnn";
    static final String CHAIN = "graph-chain";
    static final String TWO_OUTPUTS = "graph-two-outputs";

    private ObservedStudents() {}

    /** A network under test and the step that trains it on batch {@code i} (the same batches for the same kind). */
    record Student(String kind, Model model, IntConsumer fitBatch) {
        void fit(int batch) {
            fitBatch.accept(batch);
        }

        /** The updater's state, which a step changes along with the parameters. */
        INDArray updaterState() {
            return ObservedStudents.updaterState(model);
        }

        String configurationJson() {
            return ObservedStudents.configurationJson(model);
        }

        /** The network's own layer array, as {@code getLayers()} returns it. */
        Layer[] layerArray() {
            return model instanceof MultiLayerNetwork network ? network.getLayers() : ((ComputationGraph) model).getLayers();
        }

        /** Every place a layer object sits: the layer array, and for a graph also each layer vertex. */
        List<Layer> layersInPlace() {
            List<Layer> layers = new ArrayList<>(Arrays.asList(layerArray()));
            if (model instanceof ComputationGraph graph) {
                for (GraphVertex vertex : graph.getVertices()) {
                    if (vertex.hasLayer()) {
                        layers.add(vertex.getLayer());
                    }
                }
            }
            return layers;
        }

        /** A network of the same kind loaded from {@code ModelSerializer} bytes, with its updater. */
        Model reload(byte[] written) throws IOException {
            ByteArrayInputStream in = new ByteArrayInputStream(written);
            return model instanceof MultiLayerNetwork ? ModelSerializer.restoreMultiLayerNetwork(in, true)
                    : ModelSerializer.restoreComputationGraph(in, true);
        }
    }

    static INDArray updaterState(Model model) {
        return model instanceof MultiLayerNetwork network ? network.getUpdater().getStateViewArray()
                : ((ComputationGraph) model).getUpdater().getStateViewArray();
    }

    static String configurationJson(Model model) {
        return model instanceof MultiLayerNetwork network ? network.getLayerWiseConfigurations().toJson()
                : ((ComputationGraph) model).getConfiguration().toJson();
    }

    /** A fresh student of {@code kind}; two calls give identical networks. */
    static Student of(String kind) {
        return switch (kind) {
            case MLP -> {
                MultiLayerNetwork network = Networks.mlp(FEATURES, List.of(8, 5), CLASSES, UpdaterKind.ADAM.withLearningRate(0.01), 17L);
                yield new Student(kind, network, i -> network.fit(batch(i, FEATURES)));
            }
            case CNN -> {
                MultiLayerNetwork network = Networks.cnn(IMAGE_SIDE, IMAGE_SIDE, CLASSES, UpdaterKind.ADAM.withLearningRate(0.01), 17L);
                yield new Student(kind, network, i -> network.fit(batch(i, IMAGE_SIDE * IMAGE_SIDE)));
            }
            case CHAIN -> {
                ComputationGraph graph = chain();
                yield new Student(kind, graph, i -> graph.fit(batch(i, FEATURES)));
            }
            case TWO_OUTPUTS -> {
                ComputationGraph graph = twoOutputs();
                yield new Student(kind, graph, i -> {
                    Random random = new Random(1000L + i);
                    graph.fit(new MultiDataSet(new INDArray[] {features(random, FEATURES)},
                            new INDArray[] {oneHot(random, CLASSES), oneHot(random, 2)}));
                });
            }
            default -> throw new IllegalArgumentException("no student of kind " + kind);
        };
    }

    /** Batch {@code i}: {@link #BATCH} rows of {@code featureCount} Gaussian features and one-hot labels. */
    static DataSet batch(int i, int featureCount) {
        Random random = new Random(1000L + i);
        return new DataSet(features(random, featureCount), oneHot(random, CLASSES));
    }

    private static INDArray features(Random random, int featureCount) {
        float[] values = new float[BATCH * featureCount];
        for (int j = 0; j < values.length; j++) {
            values[j] = (float) random.nextGaussian();
        }
        return Nd4j.create(values, new long[] {BATCH, featureCount}, DataType.FLOAT);
    }

    private static INDArray oneHot(Random random, int classes) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, classes);
        for (int row = 0; row < BATCH; row++) {
            labels.putScalar(row, random.nextInt(classes), 1f);
        }
        return labels;
    }

    private static NeuralNetConfiguration.Builder defaults() {
        return new NeuralNetConfiguration.Builder().seed(23L).dataType(DataType.FLOAT)
                .updater(UpdaterKind.ADAM.withLearningRate(0.01)).weightInit(WeightInit.XAVIER);
    }

    /** in → dense → tanh activation layer (no parameters) → dense → softmax output. */
    private static ComputationGraph chain() {
        ComputationGraphConfiguration conf = defaults().graphBuilder().addInputs("in")
                .addLayer("h1", new DenseLayer.Builder().nIn(FEATURES).nOut(8).activation(Activation.RELU).build(), "in")
                .addLayer("tanh", new ActivationLayer(Activation.TANH), "h1")
                .addLayer("h2", new DenseLayer.Builder().nIn(8).nOut(7).activation(Activation.RELU).build(), "tanh")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(7).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "h2")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /** Two branches from one input, merged into one output layer, with a second output layer on one branch. */
    private static ComputationGraph twoOutputs() {
        ComputationGraphConfiguration conf = defaults().graphBuilder().addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(FEATURES).nOut(5).activation(Activation.RELU).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(FEATURES).nOut(4).activation(Activation.RELU).build(), "in")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addLayer("out1", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(9).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "merge")
                .addLayer("out2", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "b")
                .setOutputs("out1", "out2").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }
}
