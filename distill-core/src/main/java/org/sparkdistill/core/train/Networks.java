package org.sparkdistill.core.train;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
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

    /**
     * A convolutional student: per entry of {@code channels} a block of a 3×3 convolution (same padding, ReLU) and a
     * 2×2 max-pool, then ReLU dense layers of the {@code hidden} widths and a softmax output. Its layers are named
     * {@code conv1}, {@code pool1}, … {@code dense1}, … and {@code output}; it takes flat rows of an image of
     * {@code shape} = [channels, height, width].
     */
    public static MultiLayerNetwork convolutional(int[] shape, List<Integer> channels, List<Integer> hidden,
            int classes, IUpdater updater, long seed) {
        requireImage(shape, "a convolutional student");
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(updater).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same).list();
        for (int b = 0; b < channels.size(); b++) {
            layers.layer(new ConvolutionLayer.Builder(3, 3).name("conv" + (b + 1)).nOut(channels.get(b))
                    .activation(Activation.RELU).build());
            layers.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool" + (b + 1))
                    .kernelSize(2, 2).stride(2, 2).build());
        }
        for (int d = 0; d < hidden.size(); d++) {
            layers.layer(new DenseLayer.Builder().name("dense" + (d + 1)).nOut(hidden.get(d))
                    .activation(Activation.RELU).build());
        }
        layers.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(classes)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build());
        MultiLayerNetwork network = new MultiLayerNetwork(layers
                .setInputType(InputType.convolutionalFlat(shape[1], shape[2], shape[0])).build());
        network.init();
        return network;
    }

    /**
     * A small residual student (He et al. 2016, "Deep Residual Learning for Image Recognition"): a 3×3 stem of
     * {@code channels[0]} maps, then per entry of {@code channels} a residual block of two 3×3 convolutions whose sum
     * with the block's input (through a 1×1 projection where the widths differ) passes a ReLU, with a 2×2 max-pool
     * between blocks; global average pooling and a softmax output. Vertices are named {@code stem}, {@code blockN-a},
     * {@code blockN-b}, {@code blockN-shortcut}, {@code blockN} (the sum), {@code blockN-relu}, {@code poolN},
     * {@code pool} and {@code output}.
     */
    public static ComputationGraph residual(int[] shape, List<Integer> channels, int classes, IUpdater updater,
            long seed) {
        requireImage(shape, "a residual student");
        if (channels.isEmpty()) {
            throw new InvalidInputException("student.channels is empty; a residual student needs at least one block");
        }
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(updater).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutionalFlat(shape[1], shape[2], shape[0]))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(channels.get(0))
                        .activation(Activation.RELU).build(), "input");
        String previous = "stem";
        int width = channels.get(0);
        for (int b = 0; b < channels.size(); b++) {
            String block = "block" + (b + 1);
            if (b > 0) {
                graph.addLayer("pool" + b, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build(), previous);
                previous = "pool" + b;
            }
            int out = channels.get(b);
            graph.addLayer(block + "-a", new ConvolutionLayer.Builder(3, 3).nOut(out).activation(Activation.RELU)
                    .build(), previous);
            graph.addLayer(block + "-b", new ConvolutionLayer.Builder(3, 3).nOut(out)
                    .activation(Activation.IDENTITY).build(), block + "-a");
            String shortcut = previous;
            if (out != width) {
                shortcut = block + "-shortcut";
                graph.addLayer(shortcut, new ConvolutionLayer.Builder(1, 1).nOut(out)
                        .activation(Activation.IDENTITY).build(), previous);
            }
            graph.addVertex(block, new ElementWiseVertex(ElementWiseVertex.Op.Add), block + "-b", shortcut);
            graph.addLayer(block + "-relu", new ActivationLayer(Activation.RELU), block);
            previous = block + "-relu";
            width = out;
        }
        graph.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), previous)
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "pool")
                .setOutputs("output");
        ComputationGraph network = new ComputationGraph(graph.build());
        network.init();
        return network;
    }

    private static void requireImage(int[] shape, String what) {
        if (shape.length != 3) {
            throw new InvalidInputException(what + " needs images, data of shape [channels, height, width], but the data"
                    + " has shape " + Arrays.toString(shape) + "; set data.shape or choose student.architecture = mlp");
        }
    }

    /** Replaces the loss of the network's output layer. */
    public static void setLoss(MultiLayerNetwork network, ILossFunction loss) {
        outputLayerConf(network).setLossFn(loss);
    }

    /** The loss of the network's output layer. */
    public static ILossFunction loss(MultiLayerNetwork network) {
        return outputLayerConf(network).getLossFn();
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
