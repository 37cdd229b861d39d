package org.sparkdistill.core.nn;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's {@link DenseLayer} configuration whose layer keeps its pre-activation from the forward pass of a training step
 * for the backward pass, which DL4J's own dense layer computes a second time (one matrix product per layer and step).
 *
 * <p>Parameters, their layout and initialisation, the JSON form's fields, and every output and gradient are DL4J's;
 * only the work differs (see {@link SavedPreActivationDenseLayer}). {@link #of} copies a plain dense layer's settings;
 * {@link #replaces} says which dense layers it replaces exactly. A layer that reads the network's input can be told
 * that its input gradient is not needed ({@link #withoutInputGradient}).
 */
public class SavedPreActivationDense extends DenseLayer {
    private static final long serialVersionUID = 1L;

    @JsonProperty("inputGradient")
    private boolean inputGradient = true;

    /** An unset layer, for DL4J's JSON reader; use {@link #of}. */
    public SavedPreActivationDense() {
    }

    /**
     * Whether {@code layer} is a plain {@link DenseLayer} (not a subclass) this configuration computes exactly: no weight
     * noise and no layer normalisation, whose backward passes need the forward pass's intermediate values.
     */
    public static boolean replaces(org.deeplearning4j.nn.conf.layers.Layer layer) {
        return layer != null && layer.getClass() == DenseLayer.class && ((DenseLayer) layer).getWeightNoise() == null
                && !((DenseLayer) layer).hasLayerNorm();
    }

    /**
     * The same layer as {@code dense}, every setting copied.
     *
     * @throws IllegalArgumentException when {@link #replaces} refuses {@code dense}
     */
    public static SavedPreActivationDense of(DenseLayer dense) {
        if (!replaces(dense)) {
            throw new IllegalArgumentException("layer '" + dense.getLayerName() + "' (" + dense.getClass().getName()
                    + ") is not a plain dense layer without weight noise and layer normalisation");
        }
        return LayerSettings.copy(dense, new SavedPreActivationDense());
    }

    /**
     * This layer, told that nothing reads the gradient of its input (it reads the network's input): its backward pass
     * then returns zeros for that gradient instead of computing {@code δ·Wᵀ}.
     */
    public SavedPreActivationDense withoutInputGradient() {
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
    protected SavedPreActivationDenseLayer newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new SavedPreActivationDenseLayer(conf, dataType);
    }
}
