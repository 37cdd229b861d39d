package org.sparkdistill.core.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.sparkdistill.gradients.collective.Communicator;

/**
 * Replaces each replica's gradient by the mean over all replicas, after backward and before the
 * updater, so every replica's optimizer (SGD, Adam, …) applies the same averaged gradient and the
 * replicas stay identical: synchronous data parallelism.
 *
 * <p>DL4J calls {@link #onGradientCalculation} between computing the gradient and handing it to the
 * updater; the flat gradient view it exposes is reduced in place, without a copy.
 */
final class GradientAverager extends BaseTrainingListener {
    private final Communicator group;

    GradientAverager(Communicator group) {
        this.group = group;
    }

    @Override
    public void onGradientCalculation(Model model) {
        group.allReduceMean(model.gradient().gradient());
    }
}
