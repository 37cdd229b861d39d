package org.sparkdistill.core.objective;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small seeded students and teachers on 8×8 single-channel images for the objective tests. */
public final class Students {
    public static final int SIDE = 8;
    public static final int FEATURES = SIDE * SIDE;
    public static final int CLASSES = 3;

    private Students() {}

    /** conv1 (3×3, 4 maps) → pool1 → dense (8) → softmax output, as a MultiLayerNetwork with named layers. */
    public static MultiLayerNetwork cnn(IUpdater updater, long seed) {
        MultiLayerNetwork network = new MultiLayerNetwork(defaults(updater, seed).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder().name("pool1").kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().name("dense").nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(SIDE, SIDE, 1)).build());
        network.init();
        return network;
    }

    /**
     * A residual ComputationGraph: stem (3×3, 4 maps, same padding) → block (two 3×3 convolutions) added to the stem →
     * global average pooling → softmax output.
     */
    public static ComputationGraph residual(IUpdater updater, long seed) {
        ComputationGraphConfiguration conf = defaults(updater, seed).convolutionMode(ConvolutionMode.Same)
                .graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(SIDE, SIDE, 1))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("block-a", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(),
                        "stem")
                .addLayer("block-b", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY)
                        .build(), "block-a")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "stem", "block-b")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "add")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("output").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    private static NeuralNetConfiguration.Builder defaults(IUpdater updater, long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).updater(updater)
                .weightInit(WeightInit.XAVIER);
    }
}
