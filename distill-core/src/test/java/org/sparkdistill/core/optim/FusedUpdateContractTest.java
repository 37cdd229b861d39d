package org.sparkdistill.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.core.optim.Training.assertSameTraining;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.learning.config.IUpdater;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;

/**
 * The fused update's contract, for every updater kind and schedule on both network kinds, vectorized either way: the
 * same steps as DL4J's {@code fit}: parameters and updater state within float rounding of DL4J's after every step.
 * (With the plain linux-x86_64 natives they are bit for bit the same; natives built for FMA may round the sums
 * differently.)
 */
class FusedUpdateContractTest {
    static final int STEPS = 6;
    /** Batch sizes per step; the odd one checks the division by the minibatch size. */
    static final int[] ROWS = {16, 16, 5, 16, 9, 16};

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (UpdaterKind kind : UpdaterKind.values()) {
            for (LearningRateSchedule schedule : LearningRateSchedule.values()) {
                for (Students.Kind network : Students.Kind.values()) {
                    for (Vectorization vectorization : Vectorization.values()) {
                        cases.add(Arguments.of(kind, schedule, network, vectorization));
                    }
                }
            }
        }
        return cases.stream();
    }

    static IUpdater updater(UpdaterKind kind, LearningRateSchedule schedule) {
        double learningRate = kind == UpdaterKind.ADAM ? 0.01 : 0.1;
        return kind.withLearningRate(learningRate, schedule, STEPS);
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void takesTheSameStepsAsDl4j(UpdaterKind kind, LearningRateSchedule schedule, Students.Kind networkKind,
            Vectorization vectorization) {
        Model dl4j = networkKind.build(updater(kind, schedule), 7L);
        Model fused = networkKind.build(updater(kind, schedule), 7L);
        assertEquals(dl4j.params(), fused.params(), "twins start equal");
        try (FusedUpdate update = FusedUpdate.of(fused, 1, vectorization).orElseThrow()) {
            for (int step = 0; step < STEPS; step++) {
                Training.fitWithDl4j(dl4j, Students.batch(ROWS[step], 100 + step));
                Training.fitFused(fused, update, Students.batch(ROWS[step], 100 + step));
                assertSameTraining(dl4j, fused, kind + " " + schedule + " " + networkKind + " " + vectorization
                        + " after step " + (step + 1));
            }
        }
        assertTrue(dl4j.params().neq(networkKind.build(updater(kind, schedule), 7L).params()).any(),
                "training moved the parameters");
    }
}
