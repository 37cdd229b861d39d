package org.sparkdistill.core.optim;

import static org.sparkdistill.core.optim.Training.assertSameTraining;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/** Splitting the pass over threads changes nothing: each element is updated by the same operations. */
class FusedUpdateThreadsTest {
    /** 11,303 parameters: three threads get parts of 3,840, 3,840 and 3,623, the last ending in a partial tile. */
    static final List<Integer> HIDDEN = List.of(100, 100);

    @Test
    void threeThreadsGiveTheSameBitsAsOne() {
        MultiLayerNetwork dl4j = Students.mlp(new Adam(0.01), 5L, HIDDEN);
        MultiLayerNetwork alone = Students.mlp(new Adam(0.01), 5L, HIDDEN);
        MultiLayerNetwork shared = Students.mlp(new Adam(0.01), 5L, HIDDEN);
        try (FusedUpdate one = FusedUpdate.of(alone, 1).orElseThrow();
                FusedUpdate three = FusedUpdate.of(shared, 3).orElseThrow()) {
            for (int step = 0; step < 4; step++) {
                dl4j.fit(Students.batch(20, 50 + step));
                FusedStep.fit(alone, one, Students.batch(20, 50 + step));
                FusedStep.fit(shared, three, Students.batch(20, 50 + step));
            }
        }
        assertIdentical(alone.params(), shared.params(), "parameters, 3 threads against 1");
        assertIdentical(alone.getUpdater().getStateViewArray(), shared.getUpdater().getStateViewArray(),
                "updater state, 3 threads against 1");
        assertSameTraining(dl4j, shared, "3 threads against DL4J");
    }
}
