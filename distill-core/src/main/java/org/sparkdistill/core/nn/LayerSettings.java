package org.sparkdistill.core.nn;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Copies a DL4J layer configuration's settings into a subclass's instance, and sets up the layers such subclasses make. */
final class LayerSettings {
    private LayerSettings() {}

    /**
     * {@code target} holding every setting of a clone of {@code source}, so that it shares no settings object with
     * {@code source}; {@code target}'s own fields keep their values.
     */
    static <T extends Layer> T copy(Layer source, T target) {
        Layer settings = source.clone();
        if (!settings.getClass().isInstance(target)) {
            throw new IllegalArgumentException(target.getClass().getName() + " is not a " + settings.getClass().getName());
        }
        for (Class<?> type = settings.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    field.set(target, field.get(settings));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot copy " + type.getSimpleName() + "." + field.getName(), e);
                }
            }
        }
        return target;
    }

    /**
     * {@code layer}, made by {@code conf}'s layer, set up as DL4J's own {@code instantiate} sets up its layers: listeners,
     * index, the parameter view and the parameters' table (initialised when {@code initialize}).
     */
    static <L extends org.deeplearning4j.nn.layers.BaseLayer<?>> L setUp(L layer, NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int index, INDArray params, boolean initialize) {
        org.deeplearning4j.nn.conf.layers.FeedForwardLayer settings =
                (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf.getLayer();
        LayerValidation.assertNInNOutSet(settings.getClass().getSimpleName(), settings.getLayerName(), index,
                settings.getNIn(), settings.getNOut());
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(params);
        layer.setParamTable(settings.initializer().init(conf, params, initialize));
        layer.setConf(conf);
        return layer;
    }
}
