package org.sparkdistill.core;

import java.util.ArrayList;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspaceManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Frees a network's off-heap memory at once, without the full garbage collections that DL4J's own {@code close()}
 * forces.
 *
 * <p>{@code MultiLayerNetwork.close()} and {@code ComputationGraph.close()} free the same arrays, then call
 * {@code System.gc()} twice. In an executor whose heap holds cached partitions each of those is a stop-the-world
 * collection of the whole heap, which stalls every task in the JVM, including the other replicas of a barrier stage.
 */
public final class NetworkMemory {
    private NetworkMemory() {}

    /**
     * Frees the parameters, gradients and updater state of {@code model}, and the calling thread's workspaces, in
     * which DL4J keeps activations between steps. The model must not be used afterwards.
     */
    public static void release(Model model) {
        free(model.params());
        free(model.getGradientsViewArray());
        Updater updater = model instanceof MultiLayerNetwork network ? network.getUpdater(false)
                : model instanceof ComputationGraph graph ? graph.getUpdater(false) : null;
        if (updater != null) {
            free(updater.getStateViewArray());
        }
        releaseThreadWorkspaces();
    }

    /** Destroys the calling thread's ND4J workspaces, freeing their memory; none may be open. */
    public static void releaseThreadWorkspaces() {
        MemoryWorkspaceManager workspaces = Nd4j.getWorkspaceManager();
        for (MemoryWorkspace workspace : new ArrayList<>(workspaces.getAllWorkspacesForCurrentThread())) {
            workspaces.destroyWorkspace(workspace);
        }
    }

    private static void free(INDArray array) {
        if (array != null && array.closeable()) {
            array.close();
        }
    }
}
