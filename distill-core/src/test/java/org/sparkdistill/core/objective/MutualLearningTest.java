package org.sparkdistill.core.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.nn.ComputePath;
import org.sparkdistill.core.train.Networks;

class MutualLearningTest {
    private static final int ROWS = 5;

    private static List<MultiLayerNetwork> peers() {
        return List.of(Networks.mlp(Students.FEATURES, List.of(6), Students.CLASSES, new Sgd(0.1), 1L),
                Networks.mlp(Students.FEATURES, List.of(7), Students.CLASSES, new Sgd(0.1), 2L),
                Networks.mlp(Students.FEATURES, List.of(5, 4), Students.CLASSES, new Sgd(0.1), 3L));
    }

    private static INDArray labelsOf(TrainingGraph graph, MultiDataSet set, String head) {
        int index = graph.graph().getConfiguration().getNetworkOutputs().indexOf(head);
        assertTrue(index >= 0, head + " among " + graph.graph().getConfiguration().getNetworkOutputs());
        return set.getLabels(index);
    }

    /** softmax(z / T) from the network's own output softmax(z): log p differs from z by a constant per row. */
    private static INDArray softened(MultiLayerNetwork peer, INDArray features, double temperature) {
        return Transforms.softmax(Transforms.log(peer.output(features), true).divi(temperature), false);
    }

    @Test
    void eachPeersTargetsAreTheMeanOfTheOtherPeersDistributionsAtTheTemperature() {
        List<MultiLayerNetwork> peers = peers();
        INDArray features = Nd4j.rand(DataType.FLOAT, ROWS, Students.FEATURES);
        INDArray labels = Nd4j.eye(Students.CLASSES).castTo(DataType.FLOAT).getRows(0, 1, 2, 0, 1);
        for (double temperature : new double[] {1.0, 2.5}) {
            TrainingGraph graph = TrainingGraph.buildPeers(peers, Students.FEATURES, Students.CLASSES,
                    List.of(KnowledgeDistillation.alone(), new MutualLearning(0.5, temperature)), 7L,
                    ComputePath.FAST_WHERE_EXACT);
            MultiDataSet set = graph.dataSet(features, BatchSignals.labelsOnly(labels));
            for (int k = 0; k < 3; k++) {
                INDArray expected = Nd4j.zeros(DataType.FLOAT, ROWS, Students.CLASSES);
                for (int j = 0; j < 3; j++) {
                    if (j != k) {
                        expected.addi(softened(peers.get(j), features, temperature));
                    }
                }
                expected.divi(2);
                INDArray targets = labelsOf(graph, set, TrainingGraph.peerPrefix(k) + MutualLearning.NAME);
                assertTrue(expected.equalsWithEps(targets, 1e-5), "peer " + k + " at T = " + temperature + ": "
                        + targets + " against " + expected);
                assertEquals(labels, labelsOf(graph, set, TrainingGraph.peerPrefix(k) + "kd-labels"));
            }
        }
    }

    @Test
    void thePeersKeepTheirOwnParametersAndWriteThemBack() {
        List<MultiLayerNetwork> peers = peers();
        List<INDArray> start = peers.stream().map(p -> p.params().dup()).toList();
        TrainingGraph graph = TrainingGraph.buildPeers(peers, Students.FEATURES, Students.CLASSES,
                List.of(KnowledgeDistillation.alone(), new MutualLearning(1.0, 1.0)), 7L, ComputePath.FAST_WHERE_EXACT);
        assertEquals(peers.stream().mapToLong(MultiLayerNetwork::numParams).sum(), graph.graph().numParams(),
                "the training graph holds every peer's parameters and nothing else");
        graph.graph().params().addi(1f);
        graph.copyToStudent();
        for (int k = 0; k < 3; k++) {
            assertEquals(start.get(k).add(1f), peers.get(k).params(), "peer " + k);
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        assertTrue(assertThrows(InvalidInputException.class, () -> new MutualLearning(-1, 1)).getMessage()
                .contains("weight = -1.0"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new MutualLearning(1, 0)).getMessage()
                .contains("temperature = 0.0"));
    }
}
