package org.sparkdistill.bench;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.core.train.UpdaterKind;

/**
 * What every contender trains: the same student, training examples, batch size, seed and parallelism.
 *
 * @param train the training examples
 * @param hidden hidden-layer widths of the MLP student
 * @param updater the student's optimizer, with a constant learning rate
 * @param learningRate the optimizer's learning rate
 * @param batchSize examples per step (per worker for data-parallel contenders)
 * @param seed seeds the initial weights and every contender's shuffling
 * @param workers Spark tasks that train at once, for the contenders that use Spark
 * @param master the Spark master used outside spark-submit
 */
public record Workload(Examples train, List<Integer> hidden, UpdaterKind updater, double learningRate, int batchSize,
                       long seed, int workers, String master) {
    public Workload {
        hidden = List.copyOf(hidden);
    }

    /** A freshly initialised student; the same weights on every call. */
    public MultiLayerNetwork newStudent() {
        return Networks.mlp(train.featureCount(), hidden, train.numClasses(), updater.withLearningRate(learningRate),
                seed);
    }

    /** The student in words, for reports. */
    public String describeStudent() {
        StringBuilder layers = new StringBuilder().append(train.featureCount());
        hidden.forEach(width -> layers.append('-').append(width));
        layers.append('-').append(train.numClasses());
        return "MLP " + layers + " (ReLU, softmax), " + updater.name().toLowerCase(java.util.Locale.ROOT) + " lr "
                + learningRate + " constant, batch " + batchSize + ", seed " + seed;
    }
}
