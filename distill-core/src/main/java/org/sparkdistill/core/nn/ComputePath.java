package org.sparkdistill.core.nn;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/** How a training step computes: with this project's exact fast paths where they apply, or with DL4J's own throughout. */
public enum ComputePath {
    /**
     * Dense and convolution layers that keep their pre-activation for the backward pass
     * ({@link SavedPreActivationDense}, {@link SavedPreActivationConvolution}), and one fused optimizer update over the
     * flat parameters ({@link org.sparkdistill.core.optim.FusedUpdate}), each where it gives DL4J's results; DL4J's
     * layers and updater elsewhere. Layers that read the network's input skip their input's gradient, which nothing
     * reads.
     */
    FAST_WHERE_EXACT {
        @Override
        public void configure(ComputationGraphConfiguration configuration) {
            for (Map.Entry<String, GraphVertex> vertex : configuration.getVertices().entrySet()) {
                if (vertex.getValue() instanceof LayerVertex layerVertex) {
                    boolean readsInputOnly = configuration.getNetworkInputs()
                            .containsAll(configuration.getVertexInputs().get(vertex.getKey()));
                    NeuralNetConfiguration layer = layerVertex.getLayerConf();
                    layer.setLayer(fast(layer.getLayer(), readsInputOnly));
                }
            }
        }

        @Override
        public void configure(MultiLayerConfiguration configuration) {
            List<NeuralNetConfiguration> layers = configuration.getConfs();
            for (int i = 0; i < layers.size(); i++) {
                layers.get(i).setLayer(fast(layers.get(i).getLayer(), i == 0));
            }
        }

        /** The fast layer in {@code layer}'s place, or {@code layer} itself where none computes it exactly. */
        private static Layer fast(Layer layer, boolean readsInputOnly) {
            if (SavedPreActivationDense.replaces(layer)) {
                SavedPreActivationDense dense = SavedPreActivationDense.of((DenseLayer) layer);
                return readsInputOnly ? dense.withoutInputGradient() : dense;
            }
            if (SavedPreActivationConvolution.replaces(layer)) {
                SavedPreActivationConvolution convolution = SavedPreActivationConvolution.of((ConvolutionLayer) layer);
                return readsInputOnly ? convolution.withoutInputGradient() : convolution;
            }
            return layer;
        }
    },
    /** DL4J's layers, updater and step function, block by block. */
    DL4J {
        @Override
        public void configure(ComputationGraphConfiguration configuration) {
        }

        @Override
        public void configure(MultiLayerConfiguration configuration) {
        }
    };

    /** Sets the layers of {@code configuration}, before the graph is built from it, to this path's. */
    public abstract void configure(ComputationGraphConfiguration configuration);

    /**
     * Sets the layers of {@code configuration}, before the network is built from it, to this path's; a network
     * trained on it computes what DL4J's own layers compute, except the first layer's input gradient.
     */
    public abstract void configure(MultiLayerConfiguration configuration);

    /** Whether the optimizer update runs as one fused pass where that is exact. */
    public boolean fusesUpdate() {
        return this == FAST_WHERE_EXACT;
    }
}
