package org.sparkdistill.core.optim;

import org.nd4j.linalg.learning.config.Adam;

/**
 * Adam as DL4J applies it: state {@code [m | v]}, bias correction folded into the step size, epsilon added to √v.
 *
 * <p>See: Kingma D.P., Ba J. "Adam: A Method for Stochastic Optimization", ICLR 2015 (the step-size form of section 2).
 */
final class AdamRule implements UpdateRule {
    private final Adam config;

    AdamRule(Adam config) {
        this.config = config;
    }

    @Override
    public int stateSlices() {
        return 2;
    }

    @Override
    public StepKernel kernel(int iteration, int epoch, float divisor) {
        float beta1 = (float) config.getBeta1();
        float beta2 = (float) config.getBeta2();
        float epsilon = (float) config.getEpsilon();
        return new Step(divisor, beta1, beta2, epsilon,
                stepSize((float) config.getLearningRate(iteration, epoch), beta1, beta2, epsilon, iteration));
    }

    /**
     * lr·√(1−β₂ᵗ)/(1−β₁ᵗ) with t = iteration + 1, rounded where libnd4j rounds: powers and the root in float, the
     * division in double; epsilon itself when the result is not a positive finite number.
     */
    static float stepSize(float learningRate, float beta1, float beta2, float epsilon, int iteration) {
        float t = (float) iteration + 1f;
        float beta1Power = (float) Math.pow(beta1, t);
        float beta2Power = (float) Math.pow(beta2, t);
        float root = (float) Math.sqrt((float) (1.0 - beta2Power));
        float size = (float) ((learningRate * root) / (1.0 - beta1Power));
        return Float.isNaN(size) || Float.isInfinite(size) || size == 0f ? epsilon : size;
    }

    record Step(float divisor, float beta1, float beta2, float epsilon, float stepSize) implements StepKernel {
        @Override
        public void applyToTile(Tile tile, int length) {
            float[] g = tile.gradient;
            float[] p = tile.params;
            float[] m = tile.first;
            float[] v = tile.second;
            float by = divisor;
            float b1 = beta1;
            float b2 = beta2;
            float oneMinusB1 = 1f - b1;
            float oneMinusB2 = 1f - b2;
            float eps = epsilon;
            float size = stepSize;
            for (int i = 0; i < length; i++) {
                float gi = g[i] / by;
                float mi = b1 * m[i] + gi * oneMinusB1;
                float vi = b2 * v[i] + gi * gi * oneMinusB2;
                m[i] = mi;
                v[i] = vi;
                p[i] = p[i] - (mi * size) / ((float) Math.sqrt(vi) + eps);
            }
        }

        @Override
        public void applyToLanes(FlatArrays arrays, int from, int to) {
            VectorKernels.adam(this, arrays, from, to);
        }
    }
}
