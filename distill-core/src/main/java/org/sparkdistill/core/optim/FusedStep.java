package org.sparkdistill.core.optim;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training step with a {@link FusedUpdate} in place of DL4J's updater and step function.
 *
 * <p>The same sequence as {@code network.fit(batch)} with DL4J's stochastic gradient descent: set the inputs, labels
 * and masks; compute the gradient and score; {@link TrainingListener#onGradientCalculation} (where a gradient
 * all-reduce hooks in); the update at the current iteration and epoch; {@link TrainingListener#iterationDone};
 * increment the iteration count; clear masks and layer states; give every layer the network's counts. Helpers only,
 * not thread-safe per network.
 */
public final class FusedStep {
    private FusedStep() {}

    /**
     * Trains {@code network} on one batch with {@code update}, which must be the network's own.
     *
     * @return the batch's score (loss) before the update, as {@link MultiLayerNetwork#score()} reports it
     */
    public static double fit(MultiLayerNetwork network, FusedUpdate update, DataSet batch) {
        requireOwn(network, update);
        network.setInput(batch.getFeatures());
        network.setLabels(batch.getLabels());
        network.setLayerMaskArrays(batch.getFeaturesMaskArray(), batch.getLabelsMaskArray());
        network.computeGradientAndScore();
        step(network, network.getListeners(), update);
        network.clearLayerMaskArrays();
        network.clearLayersStates();
        synchronizeLayerCounts(network, network.getLayers());
        return network.score();
    }

    /**
     * Trains {@code graph} on one batch with {@code update}, which must be the graph's own.
     *
     * @return the batch's score (loss) before the update, as {@link ComputationGraph#score()} reports it
     */
    public static double fit(ComputationGraph graph, FusedUpdate update, MultiDataSet batch) {
        requireOwn(graph, update);
        graph.setInputs(batch.getFeatures());
        graph.setLabels(batch.getLabels());
        graph.setLayerMaskArrays(batch.getFeaturesMaskArrays(), batch.getLabelsMaskArrays());
        graph.computeGradientAndScore();
        step(graph, graph.getListeners(), update);
        graph.clearLayerMaskArrays();
        graph.clearLayersStates();
        synchronizeLayerCounts(graph, graph.getLayers());
        return graph.score();
    }

    private static void step(Model network, Collection<TrainingListener> listeners, FusedUpdate update) {
        int iteration = BaseOptimizer.getIterationCount(network);
        int epoch = BaseOptimizer.getEpochCount(network);
        // Listeners run outside any workspace, as in DL4J's optimizer, so arrays they keep stay valid.
        try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            for (TrainingListener listener : listeners) {
                listener.onGradientCalculation(network);
            }
        }
        update.apply(iteration, epoch, network.batchSize());
        try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            for (TrainingListener listener : listeners) {
                listener.iterationDone(network, iteration, epoch);
            }
        }
        BaseOptimizer.incrementIterationCount(network, 1);
    }

    /** What DL4J's fit does last: every layer's iteration and epoch counts become the network's. */
    private static void synchronizeLayerCounts(Model network, Layer[] layers) {
        int iteration = BaseOptimizer.getIterationCount(network);
        int epoch = BaseOptimizer.getEpochCount(network);
        for (Layer layer : layers) {
            layer.setIterationCount(iteration);
            layer.setEpochCount(epoch);
        }
    }

    private static void requireOwn(Model network, FusedUpdate update) {
        if (update.network() != network) {
            throw new IllegalArgumentException("the fused update belongs to another network ("
                    + update.network().getClass().getSimpleName() + "@"
                    + Integer.toHexString(System.identityHashCode(update.network())) + ")");
        }
    }
}
