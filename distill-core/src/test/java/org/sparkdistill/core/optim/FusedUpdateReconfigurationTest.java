package org.sparkdistill.core.optim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.core.optim.Training.assertSameTraining;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.learning.config.Adam;

/** The fused update reads the network's updater configuration at every step, as DL4J's updater does. */
class FusedUpdateReconfigurationTest {

    static void setLearningRate(Model network, double learningRate) {
        if (network instanceof MultiLayerNetwork multiLayer) {
            multiLayer.setLearningRate(learningRate);
        } else {
            ((ComputationGraph) network).setLearningRate(learningRate);
        }
    }

    @ParameterizedTest
    @EnumSource(Students.Kind.class)
    void followsALearningRateChangedMidRun(Students.Kind kind) {
        Model dl4j = kind.build(new Adam(0.01), 17L);
        Model fused = kind.build(new Adam(0.01), 17L);
        try (FusedUpdate update = FusedUpdate.of(fused, 1).orElseThrow()) {
            for (int step = 0; step < 4; step++) {
                if (step == 2) {
                    setLearningRate(dl4j, 0.05);
                    setLearningRate(fused, 0.05);
                }
                Training.fitWithDl4j(dl4j, Students.batch(12, 900 + step));
                Training.fitFused(fused, update, Students.batch(12, 900 + step));
            }
        }
        assertSameTraining(dl4j, fused, kind + " with the learning rate raised after step 2");
    }

    @Test
    void refusesToApplyOnceOneLayerHasItsOwnLearningRate() {
        MultiLayerNetwork network = Students.mlp(new Adam(0.01), 17L, List.of(7, 6));
        try (FusedUpdate update = FusedUpdate.of(network, 1).orElseThrow()) {
            FusedStep.fit(network, update, Students.batch(12, 1));
            network.setLearningRate(0, 0.05);
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> FusedStep.fit(network, update, Students.batch(12, 2)));
            assertTrue(error.getMessage().startsWith("the network changed after its fused update was made: "
                    + "the network's updater has 2 blocks"), error.getMessage());
        }
    }
}
