package org.sparkdistill.core.train;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stands in for one layer of a student, delegating everything to it and reporting when its backprop starts and ends.
 *
 * <p>DL4J layers write their parameter gradients into their view of the network's flat gradient during
 * {@link #backpropGradient}, so when that call returns the layer's range of the flat gradient is final.
 */
class ObservedLayer extends BaseWrapperLayer {
    private final int position;
    private final transient BackwardEvents events;

    ObservedLayer(Layer layer, int position, BackwardEvents events) {
        super(layer);
        this.position = position;
        this.events = events;
    }

    /** A stand-in for {@code layer} at backward position {@code position}; an output layer stays an output layer. */
    static ObservedLayer of(Layer layer, int position, BackwardEvents events) {
        return layer instanceof IOutputLayer ? new ObservedOutputLayer(layer, position, events)
                : new ObservedLayer(layer, position, events);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        events.starting(position);
        Pair<Gradient, INDArray> result = underlying.backpropGradient(epsilon, workspaceMgr);
        events.finished(position);
        return result;
    }
}
