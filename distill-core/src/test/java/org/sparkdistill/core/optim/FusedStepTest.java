package org.sparkdistill.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.core.optim.Training.assertSameTraining;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.learning.config.Nesterovs;

/** The fused step calls listeners where DL4J's fit does, so a gradient exchange in onGradientCalculation still works. */
class FusedStepTest {

    /** Halves the gradient, as an average over two identical ranks would, and records the counts it is shown. */
    static final class Halving extends BaseTrainingListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onGradientCalculation(Model model) {
            model.getGradientsViewArray().muli(0.5);
            events.add("gradient");
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            events.add("done " + iteration + "/" + epoch);
        }
    }

    @ParameterizedTest
    @EnumSource(Students.Kind.class)
    void listenersSeeWhatTheySeeInDl4jFit(Students.Kind kind) {
        Model dl4j = kind.build(new Nesterovs(0.1, 0.9), 13L);
        Model fused = kind.build(new Nesterovs(0.1, 0.9), 13L);
        Halving dl4jListener = new Halving();
        Halving fusedListener = new Halving();
        dl4j.setListeners(dl4jListener);
        fused.setListeners(fusedListener);
        try (FusedUpdate update = FusedUpdate.of(fused, 1).orElseThrow()) {
            for (int step = 0; step < 3; step++) {
                Training.fitWithDl4j(dl4j, Students.batch(10, 70 + step));
                Training.fitFused(fused, update, Students.batch(10, 70 + step));
            }
        }
        assertEquals(List.of("gradient", "done 0/0", "gradient", "done 1/0", "gradient", "done 2/0"),
                fusedListener.events);
        assertEquals(dl4jListener.events, fusedListener.events);
        assertSameTraining(dl4j, fused, kind + " with a halving listener");
    }

    @ParameterizedTest
    @EnumSource(Students.Kind.class)
    void refusesAnotherNetworksUpdate(Students.Kind kind) {
        Model mine = kind.build(new Nesterovs(0.1, 0.9), 13L);
        Model other = kind.build(new Nesterovs(0.1, 0.9), 13L);
        try (FusedUpdate update = FusedUpdate.of(other, 1).orElseThrow()) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> Training.fitFused(mine, update, Students.batch(4, 1)));
            assertTrue(error.getMessage().contains("belongs to another network"), error.getMessage());
        }
    }
}
