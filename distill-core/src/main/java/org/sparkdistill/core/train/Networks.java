package org.sparkdistill.core.train;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkdistill.core.InvalidInputException;

/** Builds the networks the jobs train, and adjusts a network's loss. */
public final class Networks {
    private Networks() {}

    /** A fully connected student: ReLU hidden layers, softmax output. */
    public static MultiLayerNetwork mlp(int inputs, List<Integer> hidden, int classes, IUpdater updater, long seed) {
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(updater).weightInit(WeightInit.XAVIER).list();
        int width = inputs;
        for (int size : hidden) {
            layers.layer(new DenseLayer.Builder().nIn(width).nOut(size).activation(Activation.RELU).build());
            width = size;
        }
        layers.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(width).nOut(classes).activation(Activation.SOFTMAX).build());
        MultiLayerNetwork network = new MultiLayerNetwork(layers.build());
        network.init();
        return network;
    }

    /** A small LeNet-style classifier for single-channel images: two 5×5 conv/max-pool blocks, one dense layer. */
    public static MultiLayerNetwork cnn(int height, int width, int classes, IUpdater updater, long seed) {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(updater).weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(32).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(classes).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(height, width, 1))
                .build());
        network.init();
        return network;
    }

    /** Replaces the loss of the network's output layer. */
    public static void setLoss(MultiLayerNetwork network, ILossFunction loss) {
        outputLayerConf(network).setLossFn(loss);
    }

    /** The loss of the network's output layer. */
    public static ILossFunction loss(MultiLayerNetwork network) {
        return outputLayerConf(network).getLossFn();
    }

    /**
     * Checks that the network takes flat rows of {@code featureCount} values and predicts {@code classes} classes.
     *
     * @throws InvalidInputException naming both shapes when it does not
     */
    public static void requireShape(MultiLayerNetwork network, String role, int featureCount, int classes) {
        INDArray probe = Nd4j.zeros(DataType.FLOAT, 1, featureCount);
        INDArray output;
        try {
            output = network.output(probe, false);
        } catch (RuntimeException e) {
            throw new InvalidInputException(role + " cannot take input of shape " + Arrays.toString(probe.shape())
                    + ": " + e.getMessage(), e);
        }
        if (output.rank() != 2 || output.size(1) != classes) {
            throw new InvalidInputException(role + " outputs shape " + Arrays.toString(output.shape())
                    + " but the data has " + classes + " classes, which needs shape [1, " + classes + "]");
        }
    }

    /** Reads the output layer's configuration, which a {@link BackwardObserver}'s wrapper around the layer shares. */
    private static BaseOutputLayer outputLayerConf(MultiLayerNetwork network) {
        Layer output = network.getOutputLayer().conf().getLayer();
        if (!(output instanceof BaseOutputLayer layer)) {
            throw new InvalidInputException("the network ends in " + output.getClass().getSimpleName()
                    + "; a student must end in an output layer");
        }
        return layer;
    }
}
