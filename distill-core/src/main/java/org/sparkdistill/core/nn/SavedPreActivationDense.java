package org.sparkdistill.core.nn;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link DenseLayer} configuration whose layer keeps its pre-activation from the forward pass of a training step
 * for the backward pass, which DL4J's own dense layer computes a second time (one matrix product per layer and step).
 *
 * <p>Parameters, their layout and initialisation, the JSON form's fields, and every output and gradient are DL4J's;
 * only the work differs (see {@link SavedPreActivationDenseLayer}). {@link #of} copies a plain dense layer's settings;
 * {@link #replaces} says which dense layers it replaces exactly.
 */
public class SavedPreActivationDense extends DenseLayer {
    private static final long serialVersionUID = 1L;

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
        // A clone first, so that the copy shares no settings object (activation, updater, …) with the caller's layer.
        DenseLayer settings = (DenseLayer) dense.clone();
        SavedPreActivationDense copy = new SavedPreActivationDense();
        for (Class<?> type = DenseLayer.class; type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    field.set(copy, field.get(settings));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot copy " + type.getSimpleName() + "." + field.getName(), e);
                }
            }
        }
        return copy;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
            INDArray params, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("SavedPreActivationDense", getLayerName(), index, getNIn(), getNOut());
        SavedPreActivationDenseLayer layer = newLayer(conf, dataType);
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(params);
        Map<String, INDArray> table = initializer().init(conf, params, initializeParams);
        layer.setParamTable(table);
        layer.setConf(conf);
        return layer;
    }

    /** The layer {@link #instantiate} sets up, before its parameters are set. */
    protected SavedPreActivationDenseLayer newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new SavedPreActivationDenseLayer(conf, dataType);
    }
}
