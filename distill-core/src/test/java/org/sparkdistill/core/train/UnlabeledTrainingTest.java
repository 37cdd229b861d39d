package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.metrics.Evaluator;

/** Rows without labels ({@link Examples#UNLABELED}): harmless where α is 1 throughout, refused where labels are used. */
class UnlabeledTrainingTest {
    private static final Examples DATA = CheckpointsTest.randomExamples("train", 100, 1L);
    private static final Examples HELD_OUT = CheckpointsTest.randomExamples("held-out", 30, 2L);

    static Examples unlabeled(Examples examples) {
        int[] none = new int[examples.size()];
        Arrays.fill(none, Examples.UNLABELED);
        return new Examples(examples.name(), examples.features(), none, examples.shape(), examples.numClasses());
    }

    static TrainingPlan plan(Schedule alpha) {
        return new TrainingPlan(2, 16, 99L, Schedule.linear(4.0, 2.0), alpha, 0);
    }

    @Test
    void atAlphaOneThroughoutUnlabeledRowsTrainTheSameStudentAsLabelledOnes() {
        for (Schedule alpha : new Schedule[] {Schedule.constant(1.0), Schedule.linear(1.0, 1.0)}) {
            MultiLayerNetwork labelled = CheckpointsTest.student();
            CheckpointsTest.trainer(plan(alpha), HELD_OUT).train(labelled, DATA);
            MultiLayerNetwork unlabeled = CheckpointsTest.student();
            CheckpointsTest.trainer(plan(alpha), HELD_OUT).train(unlabeled, unlabeled(DATA));
            assertIdentical(labelled.params(), unlabeled.params(), "parameters, alpha " + alpha);
        }
    }

    @Test
    void belowAlphaOneAtAnyStepUnlabeledRowsAreRefused() {
        for (Schedule alpha : new Schedule[] {Schedule.constant(0.9), Schedule.linear(1.0, 0.5),
            Schedule.linear(0.0, 1.0)}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> CheckpointsTest
                    .trainer(plan(alpha), HELD_OUT).train(CheckpointsTest.student(), unlabeled(DATA)));
            assertEquals("train: row 0 has no label, but training with alpha below 1 (the hard-label term) needs a"
                    + " label on every row", e.getMessage(), alpha.toString());
        }
    }

    @Test
    void anUnlabeledHeldOutSetIsRefusedForTestAccuracy() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Evaluator.labelsOnly(unlabeled(HELD_OUT)));
        assertEquals("held-out: row 0 has no label, but test accuracy needs a label on every row", e.getMessage());
        int[] oneMissing = HELD_OUT.labels().clone();
        oneMissing[7] = Examples.UNLABELED;
        Examples partly = new Examples("partly", HELD_OUT.features(), oneMissing, HELD_OUT.shape(),
                HELD_OUT.numClasses());
        assertTrue(!partly.labelled() && HELD_OUT.labelled());
        assertEquals("partly: row 7 has no label, but a one-hot label batch needs a label on every row",
                assertThrows(InvalidInputException.class, () -> Batches.oneHot(partly, Batches.inOrder(30), 0, 30))
                        .getMessage());
    }

    @Test
    void aLabelBelowUnlabeledIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new Examples("x", new float[2],
                new int[] {0, -2}, new int[] {1}, 2));
        assertEquals("x: label of row 1 is -2, outside [0, 1] for 2 classes (or -1 for no label)", e.getMessage());
    }
}
