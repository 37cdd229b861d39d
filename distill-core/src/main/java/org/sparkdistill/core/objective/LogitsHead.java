package org.sparkdistill.core.objective;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.sparkdistill.core.loss.SoftTargetLoss;
import org.sparkdistill.core.loss.WeightedLoss;

/**
 * A head on the student's logits that pulls its distribution towards a target distribution: the teacher's soft targets
 * at the step's temperature, weighted by α, or the one-hot labels at temperature 1, weighted by 1 − α.
 *
 * <p>At temperature 1 against one-hot labels the {@link SoftTargetLoss} is the cross-entropy, so both terms of
 * Hinton's loss share one loss function. A row without a label contributes nothing to the label term.
 *
 * @param name the head's name
 * @param target which distribution the head learns
 * @param weight the objective's weight, multiplied by α or 1 − α at each step
 */
record LogitsHead(String name, Target target, double weight) implements ObjectiveHead {

    /** The distribution a logits head learns. */
    enum Target {
        /** The ensemble's soft targets at the step's temperature, weighted by α. */
        SOFT_TARGETS,
        /** The one-hot labels, at temperature 1, weighted by 1 − α. */
        LABELS
    }

    @Override
    public void addTo(ComputationGraphConfiguration.GraphBuilder graph, StudentGraph student) {
        graph.addLayer(name, new LossLayer.Builder().activation(Activation.IDENTITY)
                .lossFunction(new WeightedLoss(0, new SoftTargetLoss(1))).build(), student.logits());
    }

    @Override
    public ILossFunction loss(BatchSignals batch) {
        return target == Target.SOFT_TARGETS
                ? new WeightedLoss(weight * batch.alpha(), new SoftTargetLoss(batch.temperature()))
                : new WeightedLoss(weight * (1 - batch.alpha()), new SoftTargetLoss(1));
    }

    @Override
    public INDArray labels(BatchSignals batch) {
        // At alpha = 0 the soft term weighs nothing and the labels stand in for the soft targets the stage skipped.
        return target == Target.SOFT_TARGETS && batch.alpha() > 0 ? batch.requireSoftTargets() : batch.labels();
    }

    @Override
    public boolean readsLogits() {
        return true;
    }

    @Override
    public boolean readsSoftTargets(double alpha) {
        return target == Target.SOFT_TARGETS && alpha > 0;
    }
}
