package org.sparkdistill.core.nn;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's 2-D {@link ConvolutionLayer} configuration whose layer keeps its pre-activation from the forward pass of a
 * training step for the backward pass, which DL4J's own convolution computes a second time.
 *
 * <p>Parameters, their layout and initialisation, and every output and gradient are DL4J's (see
 * {@link SavedPreActivationConvolutionLayer}). {@link #of} copies a plain convolution's settings; {@link #replaces} says
 * which it replaces exactly. A layer that reads the network's input can be told that its input gradient is not needed
 * ({@link #withoutInputGradient}), which lets it compute its weight gradient alone.
 */
public class SavedPreActivationConvolution extends ConvolutionLayer {
    private static final long serialVersionUID = 1L;

    @JsonProperty("inputGradient")
    private boolean inputGradient = true;

    /** An unset layer, for DL4J's JSON reader; use {@link #of}. */
    public SavedPreActivationConvolution() {
    }

    /** Whether {@code layer} is a plain 2-D {@link ConvolutionLayer} (not a subclass) without weight noise. */
    public static boolean replaces(org.deeplearning4j.nn.conf.layers.Layer layer) {
        return layer != null && layer.getClass() == ConvolutionLayer.class
                && ((ConvolutionLayer) layer).getWeightNoise() == null;
    }

    /**
     * The same layer as {@code convolution}, every setting copied.
     *
     * @throws IllegalArgumentException when {@link #replaces} refuses {@code convolution}
     */
    public static SavedPreActivationConvolution of(ConvolutionLayer convolution) {
        if (!replaces(convolution)) {
            throw new IllegalArgumentException("layer '" + convolution.getLayerName() + "' ("
                    + convolution.getClass().getName() + ") is not a plain convolution without weight noise");
        }
        return LayerSettings.copy(convolution, new SavedPreActivationConvolution());
    }

    /**
     * This layer, told that nothing reads the gradient of its input (it reads the network's input): its backward pass
     * then returns zeros for that gradient.
     */
    public SavedPreActivationConvolution withoutInputGradient() {
        inputGradient = false;
        return this;
    }

    /** Whether the backward pass computes the gradient of the layer's input; true unless told otherwise. */
    public boolean computesInputGradient() {
        return inputGradient;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
            INDArray params, boolean initializeParams, DataType dataType) {
        return LayerSettings.setUp(newLayer(conf, dataType), conf, listeners, index, params, initializeParams);
    }

    /** The layer {@link #instantiate} sets up, before its parameters are set. */
    protected SavedPreActivationConvolutionLayer newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new SavedPreActivationConvolutionLayer(conf, dataType);
    }
}
