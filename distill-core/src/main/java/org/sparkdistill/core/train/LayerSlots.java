package org.sparkdistill.core.train;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A student's layers in the order its backward pass makes them final, and the means to put other layer objects in their places. */
abstract class LayerSlots {
    private final Model student;
    private final List<Layer> layers;
    private final List<String> names;

    LayerSlots(Model student, List<Layer> layers, List<String> names) {
        this.student = student;
        this.layers = List.copyOf(layers);
        this.names = List.copyOf(names);
    }

    /**
     * The slots of {@code student}, a {@link MultiLayerNetwork} or a {@link ComputationGraph}, whose flat gradient is
     * created once the student has been found supported.
     *
     * @throws IllegalArgumentException naming what is not supported: another kind of model, an uninitialised network,
     *     truncated BPTT, frozen layers, or layers that already report to an observer
     */
    static LayerSlots of(Model student) {
        LayerSlots slots;
        if (student instanceof MultiLayerNetwork network) {
            slots = MultiLayerSlots.of(network);
        } else if (student instanceof ComputationGraph graph) {
            slots = GraphSlots.of(graph);
        } else {
            throw new IllegalArgumentException("gradient-ready events need a MultiLayerNetwork or a ComputationGraph, not "
                    + (student == null ? "null" : student.getClass().getName()));
        }
        for (int k = 0; k < slots.layers.size(); k++) {
            Layer layer = slots.layers.get(k);
            if (layer instanceof FrozenLayer || layer instanceof FrozenLayerWithBackprop) {
                throw new IllegalArgumentException("layer " + slots.names.get(k) + " is frozen ("
                        + layer.getClass().getSimpleName() + "); gradient-ready events need a network without frozen layers,"
                        + " since DL4J's backward pass recognises frozen layers by their class");
            }
            if (layer instanceof ObservedLayer) {
                throw new IllegalArgumentException("layer " + slots.names.get(k)
                        + " already reports to a BackwardObserver; close that one first");
            }
        }
        slots.initFlatGradient();
        return slots;
    }

    /** Refuses truncated BPTT, which runs several backward passes per step. */
    static void requireStandardBackprop(BackpropType type, String network) {
        if (type == BackpropType.TruncatedBPTT) {
            throw new IllegalArgumentException("the " + network + " trains with truncated BPTT, which runs several backward"
                    + " passes per step; gradient-ready events need standard backprop");
        }
    }

    /** The layer objects in place when these slots were made, in backward order: position 0 is the output layer. */
    final List<Layer> layers() {
        return layers;
    }

    /** The layers' names for messages, in backward order. */
    final List<String> names() {
        return names;
    }

    /** The network's flat gradient vector, which the layers' gradient views are ranges of. */
    final INDArray flatGradient() {
        return student.getGradientsViewArray();
    }

    /**
     * Puts {@code replacements} (in backward order, one per layer) in the layers' places. The network's updater keeps
     * the layer objects it was built from, so it is built first, from the original layers, if DL4J has not built it yet.
     */
    final void install(List<Layer> replacements) {
        buildUpdater();
        put(replacements);
    }

    /** Creates the network's flat gradient and the layers' views of it, as DL4J does before its first backward pass. */
    abstract void initFlatGradient();

    /** Builds the network's updater if DL4J has not built it yet. */
    abstract void buildUpdater();

    /** Puts {@code layers} (in backward order) in the layers' places. */
    abstract void put(List<Layer> layers);

    /** Puts the layer objects that were in place when these slots were made back. */
    abstract void restore();
}
