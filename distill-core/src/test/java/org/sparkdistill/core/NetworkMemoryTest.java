package org.sparkdistill.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkdistill.core.train.Networks;

class NetworkMemoryTest {

    @Test
    void releaseFreesParametersGradientsUpdaterStateAndWorkspacesOfATrainedNetwork() {
        MultiLayerNetwork network = Networks.mlp(6, List.of(5), 3, new Adam(0.01), 7L);
        network.fit(batch());
        INDArray params = network.params();
        INDArray gradients = network.getGradientsViewArray();
        INDArray updaterState = network.getUpdater().getStateViewArray();
        assertTrue(!Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread().isEmpty(),
                "training should have left workspaces on this thread");

        NetworkMemory.release(network);

        assertTrue(params.wasClosed(), "parameters");
        assertTrue(gradients.wasClosed(), "gradients");
        assertTrue(updaterState.wasClosed(), "updater state");
        assertEquals(List.of(), Nd4j.getWorkspaceManager().getAllWorkspacesIdsForCurrentThread());
    }

    @Test
    void releaseFreesTheGradientsAndUpdaterStateOfAComputationGraph() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.01))
                .graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(6).nOut(4).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build());
        graph.init();
        graph.fit(batch());
        INDArray gradients = graph.getGradientsViewArray();
        INDArray updaterState = graph.getUpdater().getStateViewArray();

        NetworkMemory.release(graph);

        // A graph's parameter vector is a view, which only the garbage collector frees, as with DL4J's close().
        assertTrue(gradients.wasClosed(), "gradients");
        assertTrue(updaterState.wasClosed(), "updater state");
        assertEquals(List.of(), Nd4j.getWorkspaceManager().getAllWorkspacesIdsForCurrentThread());
    }

    @Test
    void releaseOfAnUntrainedNetworkFreesItsParameters() {
        MultiLayerNetwork network = Networks.mlp(6, List.of(5), 3, new Adam(0.01), 7L);
        INDArray params = network.params();

        NetworkMemory.release(network);

        assertTrue(params.wasClosed());
    }

    @Test
    void releaseForcesNoFullCollectionWhereDl4jCloseForcesOne() {
        MultiLayerNetwork released = Networks.mlp(6, List.of(5), 3, new Adam(0.01), 7L);
        released.fit(batch());
        long before = fullCollections();
        NetworkMemory.release(released);
        assertEquals(before, fullCollections(), "release should not collect the heap");

        MultiLayerNetwork closed = Networks.mlp(6, List.of(5), 3, new Adam(0.01), 7L);
        closed.fit(batch());
        before = fullCollections();
        closed.close();
        assertTrue(fullCollections() > before, "DL4J's close() collects the heap, which is what release avoids");
    }

    private static DataSet batch() {
        Nd4j.getRandom().setSeed(11);
        INDArray features = Nd4j.rand(DataType.FLOAT, 8, 6);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 3);
        for (int row = 0; row < 8; row++) {
            labels.putScalar(row, row % 3, 1);
        }
        return new DataSet(features, labels);
    }

    /** Collections by the collectors that collect the old generation, which is what {@code System.gc()} runs. */
    private static long fullCollections() {
        long count = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = collector.getName();
            if (name.contains("Old") || name.contains("MarkSweep") || name.contains("Full")) {
                count += collector.getCollectionCount();
            }
        }
        return count;
    }
}
