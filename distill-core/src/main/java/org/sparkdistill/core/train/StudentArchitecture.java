package org.sparkdistill.core.train;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.learning.config.IUpdater;

/** The kinds of student a job builds from its configuration. */
public enum StudentArchitecture {
    /** Fully connected: ReLU layers of the hidden widths; see {@link Networks#mlp}. */
    MLP,
    /** Convolution and max-pool blocks of the channel widths, then dense layers; see {@link Networks#convolutional}. */
    CNN,
    /** A small residual ComputationGraph, a block per channel width; see {@link Networks#residual}. */
    RESNET;

    /**
     * A new, initialised student of this kind.
     *
     * @param shape an example's shape: [channels, height, width] for images, which CNN and RESNET require
     * @param hidden the dense widths (MLP: every hidden layer; CNN: the layers after the blocks; RESNET: unused)
     * @param channels the convolution widths per block (CNN and RESNET)
     */
    public Model build(int[] shape, List<Integer> hidden, List<Integer> channels, int classes, IUpdater updater,
            long seed) {
        return switch (this) {
            case MLP -> Networks.mlp(featureCount(shape), hidden, classes, updater, seed);
            case CNN -> Networks.convolutional(shape, channels, hidden, classes, updater, seed);
            case RESNET -> Networks.residual(shape, channels, classes, updater, seed);
        };
    }

    private static int featureCount(int[] shape) {
        int count = 1;
        for (int d : shape) {
            count = Math.multiplyExact(count, d);
        }
        return count;
    }
}
