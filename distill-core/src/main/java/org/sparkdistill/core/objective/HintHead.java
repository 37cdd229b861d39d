package org.sparkdistill.core.objective;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.loss.WeightedLoss;

/**
 * A head that regresses a teacher output from a student layer's activation, through a trainable adapter when their
 * widths differ, with the mean squared error.
 *
 * <p>The adapter is a 1×1 convolution (no activation) when the student layer gives feature maps {@code [C, H, W]} and
 * the teacher output holds {@code C'·H·W} values, read as {@code C'} maps of the same size in channel-first order; a
 * dense layer (no activation) when the student layer gives a vector. Anything else is refused: maps against an output
 * whose width is not a multiple of {@code H·W}, or activations of another rank.
 *
 * @param name the head's name; its adapter is named {@code name + "-adapter"}
 * @param layer the student vertex it reads
 * @param output the teacher output it regresses
 * @param weight the head's share of the loss
 */
record HintHead(String name, String layer, TeacherOutput output, double weight) implements ObjectiveHead {

    @Override
    public void addTo(ComputationGraphConfiguration.GraphBuilder graph, StudentGraph student) {
        long[] shape = student.activationShape(layer);
        long width = student.activationWidth(layer);
        String input = layer;
        InputPreProcessor flatten = null;
        if (shape.length == 4) {
            long channels = shape[1];
            long height = shape[2];
            long mapWidth = shape[3];
            long targetChannels = output.width() / (height * mapWidth);
            if (output.width() % (height * mapWidth) != 0) {
                throw noAdapter(shape, "its width is not a multiple of the " + height + "×" + mapWidth
                        + " positions of the student's maps, so no 1×1 convolution maps one onto the other");
            }
            if (width != output.width()) {
                input = name + "-adapter";
                graph.addLayer(input, new ConvolutionLayer.Builder(1, 1).nIn(channels).nOut(targetChannels)
                        .activation(Activation.IDENTITY).build(), layer);
            }
            flatten = new CnnToFeedForwardPreProcessor(height, mapWidth, targetChannels);
        } else if (shape.length == 2) {
            if (width != output.width()) {
                input = name + "-adapter";
                graph.addLayer(input, new DenseLayer.Builder().nIn(width).nOut(output.width())
                        .activation(Activation.IDENTITY).build(), layer);
            }
        } else {
            throw noAdapter(shape, "only vectors [N, D] and feature maps [N, C, H, W] take an adapter");
        }
        graph.addLayer(name, new LossLayer.Builder().activation(Activation.IDENTITY)
                .lossFunction(new WeightedLoss(weight, new LossMSE())).build(), flatten, input);
    }

    private InvalidInputException noAdapter(long[] shape, String why) {
        return new InvalidInputException("hint '" + name + "': student layer '" + layer + "' gives activations of shape "
                + Arrays.toString(shape) + " and teacher output " + output + "; " + why);
    }

    @Override
    public ILossFunction loss(BatchSignals batch) {
        return new WeightedLoss(weight, new LossMSE());
    }

    @Override
    public INDArray labels(BatchSignals batch) {
        return batch.output(output);
    }
}
