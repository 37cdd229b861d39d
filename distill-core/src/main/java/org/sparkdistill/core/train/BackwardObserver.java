package org.sparkdistill.core.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.gradients.partition.GradientLayout;

/**
 * Makes a student's backward pass report each layer's gradient as ready, so its range of the flat gradient can be
 * communicated while the layers below it are still in backprop.
 *
 * <p>Attaching puts a delegating wrapper (a DL4J {@code BaseWrapperLayer}, and an {@code IOutputLayer} for the output
 * layer) in each layer's place: in a {@link MultiLayerNetwork}'s layer array, and in a {@link ComputationGraph}'s layer
 * vertices and layer array. The wrapper calls the listener before the output layer's backprop and after each layer's
 * backprop, when DL4J has written the layer's gradient into its view of the flat gradient; nothing is copied. The
 * network's configuration is untouched, so it trains, saves ({@code ModelSerializer}) and changes its loss as before.
 * Attaching also creates the network's flat gradient and updater if DL4J has not yet, so that the updater refers to
 * the original layers; {@link #close()} puts the original layer objects back.
 *
 * <p>Supported: initialised MultiLayerNetworks and ComputationGraphs (any number of outputs) trained with standard
 * backprop; refused: truncated BPTT, frozen layers and frozen vertices. Not thread-safe; the events arrive on the
 * thread that trains.
 */
public final class BackwardObserver implements AutoCloseable {
    private final LayerSlots slots;
    private final GradientLayout layout;
    private boolean closed;

    private BackwardObserver(LayerSlots slots, GradientLayout layout) {
        this.slots = slots;
        this.layout = layout;
    }

    /**
     * Attaches {@code listener} to the backward pass of {@code student}.
     *
     * @throws IllegalArgumentException naming what is not supported about the student, or the layers whose gradient
     *     ranges do not fit a {@link GradientLayout}
     */
    public static BackwardObserver attach(Model student, BackwardListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("a BackwardObserver needs a listener, got null");
        }
        LayerSlots slots = LayerSlots.of(student);
        GradientLayout layout = GradientRanges.of(slots);
        BackwardEvents events = new BackwardEvents(listener, slots.names());
        List<Layer> wrappers = new ArrayList<>();
        List<Layer> layers = slots.layers();
        for (int k = 0; k < layers.size(); k++) {
            wrappers.add(ObservedLayer.of(layers.get(k), k, events));
        }
        slots.install(wrappers);
        return new BackwardObserver(slots, layout);
    }

    /** The student's layers in backward order with their ranges of the flat gradient. */
    public GradientLayout layout() {
        return layout;
    }

    /** The student's flat gradient vector, the array DL4J writes every layer's gradient into. */
    public INDArray flatGradient() {
        return slots.flatGradient();
    }

    /** Puts the student's original layer objects back; closing again does nothing. */
    @Override
    public void close() {
        if (!closed) {
            slots.restore();
            closed = true;
        }
    }
}
