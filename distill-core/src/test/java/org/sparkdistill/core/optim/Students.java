package org.sparkdistill.core.optim;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkdistill.core.train.Networks;

/** Small seeded students of both DL4J network kinds, and seeded batches for them. */
final class Students {
    static final int FEATURES = 8;
    static final int CLASSES = 3;

    private Students() {}

    /** The two network kinds the fused update supports. */
    enum Kind {
        MLP,
        GRAPH;

        Model build(IUpdater updater, long seed) {
            return this == MLP ? mlp(updater, seed, List.of(7, 6)) : graph(updater, seed);
        }
    }

    static MultiLayerNetwork mlp(IUpdater updater, long seed, List<Integer> hidden) {
        return Networks.mlp(FEATURES, hidden, CLASSES, updater, seed);
    }

    /** Two dense branches from one input, merged before the output layer. */
    static ComputationGraph graph(IUpdater updater, long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(updater).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in")
                .addLayer("left", new DenseLayer.Builder().nIn(FEATURES).nOut(6).activation(Activation.TANH).build(), "in")
                .addLayer("right", new DenseLayer.Builder().nIn(FEATURES).nOut(5).activation(Activation.RELU).build(),
                        "in")
                .addVertex("merge", new MergeVertex(), "left", "right")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(11).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "merge")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /** A batch of {@code rows} Gaussian examples with one-hot labels, the same for the same seed. */
    static DataSet batch(int rows, long seed) {
        Random random = new Random(seed);
        INDArray features = Nd4j.create(DataType.FLOAT, rows, FEATURES);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, rows, CLASSES);
        for (int i = 0; i < rows; i++) {
            int label = random.nextInt(CLASSES);
            labels.putScalar(i, label, 1f);
            for (int j = 0; j < FEATURES; j++) {
                features.putScalar(i, j, (float) random.nextGaussian() + (j % CLASSES == label ? 1f : 0f));
            }
        }
        return new DataSet(features, labels);
    }
}
