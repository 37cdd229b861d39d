package org.sparkdistill.jobs;

import java.io.Serializable;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.core.train.UpdaterKind;

/** The student network a job builds: a fully connected classifier of the given hidden widths. */
public record StudentSpec(List<Integer> hidden, UpdaterKind updater, double learningRate) implements Serializable {
    public StudentSpec {
        hidden = List.copyOf(hidden);
    }

    /** A new student for rows of {@code featureCount} values and {@code classes} classes, initialised from {@code seed}. */
    public MultiLayerNetwork build(int featureCount, int classes, long seed) {
        return Networks.mlp(featureCount, hidden, classes, updater.withLearningRate(learningRate), seed);
    }
}
