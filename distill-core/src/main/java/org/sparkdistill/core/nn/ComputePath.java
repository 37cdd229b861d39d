package org.sparkdistill.core.nn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;

/** How a training step computes: with this project's exact fast paths where they apply, or with DL4J's own throughout. */
public enum ComputePath {
    /**
     * Dense layers that keep their pre-activation for the backward pass ({@link SavedPreActivationDense}) and one fused
     * optimizer update over the flat parameters ({@link org.sparkdistill.core.optim.FusedUpdate}), each where it gives
     * DL4J's results; DL4J's layers and updater elsewhere.
     */
    FAST_WHERE_EXACT {
        @Override
        public void configure(ComputationGraphConfiguration configuration) {
            for (GraphVertex vertex : configuration.getVertices().values()) {
                if (vertex instanceof LayerVertex layer && SavedPreActivationDense.replaces(layer.getLayerConf().getLayer())) {
                    layer.getLayerConf().setLayer(SavedPreActivationDense.of((DenseLayer) layer.getLayerConf().getLayer()));
                }
            }
        }
    },
    /** DL4J's layers, updater and step function, block by block. */
    DL4J {
        @Override
        public void configure(ComputationGraphConfiguration configuration) {
        }
    };

    /** Sets the layers of {@code configuration}, before the graph is built from it, to this path's. */
    public abstract void configure(ComputationGraphConfiguration configuration);

    /** Whether the optimizer update runs as one fused pass where that is exact. */
    public boolean fusesUpdate() {
        return this == FAST_WHERE_EXACT;
    }
}
