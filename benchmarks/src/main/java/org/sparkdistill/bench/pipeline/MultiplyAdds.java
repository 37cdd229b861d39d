package org.sparkdistill.bench.pipeline;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The multiply-adds of one example's forward pass through a network's convolution and dense layers, which dominate
 * its floating-point work (twice the multiply-adds); activations, pooling and biases are left out.
 */
final class MultiplyAdds {
    private MultiplyAdds() {}

    /** Multiply-adds per example for input of type {@code input}. */
    static long perExample(MultiLayerNetwork network, InputType input) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        List<InputType> outputs = conf.getLayerActivationTypes(input);
        long total = 0;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            if (layer instanceof ConvolutionLayer conv) {
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) outputs.get(i);
                total += out.getHeight() * out.getWidth() * out.getChannels() * conv.getKernelSize()[0]
                        * conv.getKernelSize()[1] * conv.getNIn();
            } else if (layer instanceof FeedForwardLayer dense) {
                total += dense.getNIn() * dense.getNOut();
            }
        }
        return total;
    }
}
