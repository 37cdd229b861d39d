package org.sparkdistill.core.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The layer slots of a {@link MultiLayerNetwork}: its layer array, read from the last layer to the first, swapped
 * through {@link MultiLayerNetwork#setLayers}.
 *
 * <p>{@link MultiLayerNetwork#getLayer(String)} reads a separate map that is left alone, so it keeps returning the
 * original layers while replacements are installed.
 */
final class MultiLayerSlots extends LayerSlots {
    private final MultiLayerNetwork network;
    private final Layer[] original;

    private MultiLayerSlots(MultiLayerNetwork network, Layer[] original, List<Layer> backward, List<String> names) {
        super(network, backward, names);
        this.network = network;
        this.original = original;
    }

    /** The slots of {@code network}, refusing an uninitialised network and truncated BPTT. */
    static MultiLayerSlots of(MultiLayerNetwork network) {
        Layer[] layers = network.getLayers();
        if (layers == null || layers.length == 0) {
            throw new IllegalArgumentException("the MultiLayerNetwork has no layers; call init() before attaching an observer");
        }
        requireStandardBackprop(network.getLayerWiseConfigurations().getBackpropType(), "MultiLayerNetwork");
        List<Layer> backward = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = layers.length - 1; i >= 0; i--) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layers[i].conf().getLayer();
            backward.add(layers[i]);
            names.add(i + " ('" + conf.getLayerName() + "', " + conf.getClass().getSimpleName() + ")");
        }
        return new MultiLayerSlots(network, layers, backward, names);
    }

    @Override
    void initFlatGradient() {
        if (flatGradient() == null) {
            network.initGradientsView();
        }
    }

    @Override
    void buildUpdater() {
        network.getUpdater();
    }

    @Override
    void put(List<Layer> layers) {
        Layer[] array = new Layer[original.length];
        for (int k = 0; k < array.length; k++) {
            array[array.length - 1 - k] = layers.get(k);
        }
        network.setLayers(array);
    }

    @Override
    void restore() {
        network.setLayers(original);
    }
}
