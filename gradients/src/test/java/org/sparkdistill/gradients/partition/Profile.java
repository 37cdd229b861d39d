package org.sparkdistill.gradients.partition;

import java.util.Arrays;
import java.util.Random;

/** A random planning problem for tests: a layout, per-layer backward times and a cost model. */
final class Profile {
    final GradientLayout layout;
    final double[] backward;
    final CostModel cost;

    private Profile(GradientLayout layout, double[] backward, CostModel cost) {
        this.layout = layout;
        this.backward = backward;
        this.cost = cost;
    }

    /**
     * A profile of {@code layers} layers, a quarter of them without parameters. Half the profiles use real-valued
     * times; the other half use multiples of powers of two, whose sums are exact, so that many plans tie and the
     * tie-breaking rule is exercised too.
     */
    static Profile random(Random random, int layers) {
        boolean dyadic = random.nextBoolean();
        long[] lengths = new long[layers];
        double[] backward = new double[layers];
        for (int k = 0; k < layers; k++) {
            lengths[k] = random.nextInt(4) == 0 ? 0 : dyadic ? 256L * (1 + random.nextInt(8)) : 1 + random.nextInt(2000);
            backward[k] = random.nextInt(8) == 0 ? 0 : dyadic ? random.nextInt(8) / 4.0 : random.nextDouble();
        }
        double alpha = random.nextInt(6) == 0 ? 0 : dyadic ? random.nextInt(8) / 8.0 : random.nextDouble() * 0.5;
        double beta = dyadic ? random.nextInt(4) / 4096.0 : random.nextDouble() / 4000;
        return new Profile(GradientLayout.ofBackwardLengths(lengths, 4), backward, new CostModel(alpha, beta));
    }

    @Override
    public String toString() {
        return layout + " backward " + Arrays.toString(backward) + " " + cost;
    }
}
