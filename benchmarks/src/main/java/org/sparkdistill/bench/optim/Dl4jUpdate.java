package org.sparkdistill.bench.optim;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.StepFunction;
import org.deeplearning4j.optimize.stepfunctions.NegativeDefaultStepFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What DL4J's stochastic gradient descent does after the gradient, on one network: the updater, then the step function.
 *
 * <p>{@link #apply} is the whole of it as {@code StochasticGradientDescent.optimize} calls it; {@link #applyInPasses}
 * does the same work pass by pass (minibatch division, the updater op, the step) and times each.
 */
final class Dl4jUpdate {
    private final MultiLayerNetwork network;
    private final BaseMultiLayerUpdater<?> updater;
    private final StepFunction step = new NegativeDefaultStepFunction();
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

    Dl4jUpdate(MultiLayerNetwork network) {
        this.network = network;
        this.updater = (BaseMultiLayerUpdater<?>) network.getUpdater();
        if (updater.getUpdaterBlocks().size() != 1) {
            throw new IllegalStateException("the benchmark network has " + updater.getUpdaterBlocks().size()
                    + " updater blocks; the pass-by-pass timing needs 1");
        }
    }

    /** Applies the gradient now in the network's gradient view, as DL4J's optimizer does, and returns nanoseconds. */
    long apply(Gradient gradient, int iteration, int batchSize) {
        long start = System.nanoTime();
        updater.update(gradient, iteration, 0, batchSize, workspaces);
        step.step(network.params(), flatGradient());
        return System.nanoTime() - start;
    }

    /** The same as {@link #apply}, pass by pass: nanoseconds of the division, the updater op and the step. */
    long[] applyInPasses(int iteration, int batchSize) {
        UpdaterBlock block = updater.getUpdaterBlocks().get(0);
        long start = System.nanoTime();
        flatGradient().divi(batchSize);
        long divided = System.nanoTime();
        block.getGradientUpdater().applyUpdater(block.getGradientView(), iteration, 0);
        long updated = System.nanoTime();
        step.step(network.params(), flatGradient());
        long stepped = System.nanoTime();
        return new long[] {divided - start, updated - divided, stepped - updated};
    }

    private INDArray flatGradient() {
        INDArray view = network.getGradientsViewArray();
        return view.reshape(view.length());
    }
}
