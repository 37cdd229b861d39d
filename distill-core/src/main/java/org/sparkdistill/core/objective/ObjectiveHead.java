package org.sparkdistill.core.objective;

import java.io.Serializable;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * One output of a {@link TrainingGraph}: a loss layer, and any adapter before it, attached to a vertex of the student,
 * with the labels and the weighted loss it takes at each step.
 */
public interface ObjectiveHead extends Serializable {

    /** The name of the head's loss layer, an output of the training graph. */
    String name();

    /** Adds the head's adapter, if any, and its loss layer, named {@link #name()}, to {@code graph}. */
    void addTo(ComputationGraphConfiguration.GraphBuilder graph, StudentGraph student);

    /** The head's loss at the step whose signals are {@code batch}, its weight included. */
    ILossFunction loss(BatchSignals batch);

    /** The head's labels for {@code batch}. */
    INDArray labels(BatchSignals batch);

    /** Whether the head reads the student's logits; a training graph needs at least one head that does. */
    default boolean readsLogits() {
        return false;
    }

    /** Whether the head reads the ensemble's soft targets at the step whose distillation weight is {@code alpha}. */
    default boolean readsSoftTargets(double alpha) {
        return false;
    }
}
