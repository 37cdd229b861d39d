package org.sparkdistill.core.optim;

import org.nd4j.linalg.learning.config.Sgd;

/** Plain stochastic gradient descent as DL4J applies it: update = lr · gradient, no state. */
final class SgdRule implements UpdateRule {
    private final Sgd config;

    SgdRule(Sgd config) {
        this.config = config;
    }

    @Override
    public int stateSlices() {
        return 0;
    }

    @Override
    public StepKernel kernel(int iteration, int epoch, float divisor) {
        return new Step(divisor, (float) config.getLearningRate(iteration, epoch));
    }

    record Step(float divisor, float learningRate) implements StepKernel {
        @Override
        public void applyToTile(Tile tile, int length) {
            float[] g = tile.gradient;
            float[] p = tile.params;
            float by = divisor;
            float lr = learningRate;
            for (int i = 0; i < length; i++) {
                p[i] = p[i] - (g[i] / by) * lr;
            }
        }

        @Override
        public void applyToLanes(FlatArrays arrays, int from, int to) {
            VectorKernels.sgd(this, arrays, from, to);
        }
    }
}
