package org.sparkdistill.core.train;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/** The optimizers a student can be trained with. */
public enum UpdaterKind {
    ADAM,
    SGD,
    NESTEROVS;

    /** The DL4J updater of this kind with the given learning rate (momentum 0.9 for Nesterov). */
    public IUpdater withLearningRate(double learningRate) {
        return switch (this) {
            case ADAM -> new Adam(learningRate);
            case SGD -> new Sgd(learningRate);
            case NESTEROVS -> new Nesterovs(learningRate, 0.9);
        };
    }
}
