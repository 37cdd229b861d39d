package org.sparkdistill.core;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Copies of DL4J networks of either kind. */
public final class NetworkCopies {
    private NetworkCopies() {}

    /**
     * A copy of {@code network} with its configuration, parameters and updater state, sharing no memory with it.
     *
     * @throws IllegalArgumentException for a model that is neither a MultiLayerNetwork nor a ComputationGraph
     */
    public static Model of(Model network) {
        if (network instanceof MultiLayerNetwork multiLayer) {
            return multiLayer.clone();
        }
        if (network instanceof ComputationGraph graph) {
            return graph.clone();
        }
        throw new IllegalArgumentException("cannot copy a " + network.getClass().getName()
                + "; a student is a MultiLayerNetwork or a ComputationGraph");
    }
}
