package org.sparkdistill.core.optim;

import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Nesterov momentum as DL4J applies it: v ← μ·v − lr·g, update = μ·v_prev − (1 + μ)·v, state {@code [v]}.
 *
 * <p>See: Sutskever I. et al. "On the importance of initialization and momentum in deep learning", ICML 2013.
 */
final class NesterovsRule implements UpdateRule {
    private final Nesterovs config;

    NesterovsRule(Nesterovs config) {
        this.config = config;
    }

    @Override
    public int stateSlices() {
        return 1;
    }

    @Override
    public StepKernel kernel(int iteration, int epoch, float divisor) {
        return new Step(divisor, (float) config.getLearningRate(iteration, epoch),
                (float) config.currentMomentum(iteration, epoch));
    }

    record Step(float divisor, float learningRate, float momentum) implements StepKernel {
        @Override
        public void applyToTile(Tile tile, int length) {
            float[] g = tile.gradient;
            float[] p = tile.params;
            float[] v = tile.first;
            float by = divisor;
            float lr = learningRate;
            float mu = momentum;
            float minusOneMinusMu = -mu - 1f;
            for (int i = 0; i < length; i++) {
                float previous = mu * v[i];
                float vi = previous - lr * (g[i] / by);
                v[i] = vi;
                p[i] = p[i] - (previous + minusOneMinusMu * vi);
            }
        }

        @Override
        public void applyToLanes(FlatArrays arrays, int from, int to) {
            VectorKernels.nesterovs(this, arrays, from, to);
        }
    }
}
