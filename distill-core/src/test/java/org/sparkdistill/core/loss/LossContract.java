package org.sparkdistill.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.sparkdistill.core.InvalidInputException;

/**
 * The contract every distillation loss meets; a loss's test extends this class and supplies labels.
 *
 * <p>Checks the analytic gradient against central finite differences of the summed score, a zero distillation term
 * when the student matches the teacher, mean-versus-sum reduction over the minibatch, per-example masks, and the
 * refusal of labels of the wrong shape. Everything runs in double precision with a fixed seed.
 */
abstract class LossContract {
    static final int EXAMPLES = 5;
    static final int CLASSES = 4;
    static final IActivation SOFTMAX = new ActivationSoftmax();

    /** The loss under test, with a non-trivial mix of its terms. */
    abstract ILossFunction loss();

    /** The loss configured so that only its distillation term is active. */
    abstract ILossFunction distillationOnlyLoss();

    /** Valid random labels for a student with these logits. */
    abstract INDArray randomLabels(INDArray logits, Random random);

    /** Labels whose teacher part the student with these logits matches exactly. */
    abstract INDArray labelsMatchedBy(INDArray logits);

    /** Labels of a shape the loss must refuse for logits of shape [EXAMPLES, CLASSES]. */
    INDArray labelsOfWrongShape() {
        return Nd4j.zeros(DataType.DOUBLE, EXAMPLES, CLASSES);
    }

    final Random random = new Random(20240611L);

    INDArray randomLogits() {
        INDArray logits = Nd4j.create(DataType.DOUBLE, EXAMPLES, CLASSES);
        for (int i = 0; i < EXAMPLES; i++) {
            for (int c = 0; c < CLASSES; c++) {
                logits.putScalar(i, c, 3 * random.nextGaussian());
            }
        }
        return logits;
    }

    static INDArray oneHot(Random random) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, EXAMPLES, CLASSES);
        for (int i = 0; i < EXAMPLES; i++) {
            y.putScalar(i, random.nextInt(CLASSES), 1.0);
        }
        return y;
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        ILossFunction loss = loss();
        INDArray logits = randomLogits();
        INDArray labels = randomLabels(logits, random);
        INDArray analytic = loss.computeGradient(labels, logits.dup(), SOFTMAX, null);
        double h = 1e-6;
        for (int i = 0; i < EXAMPLES; i++) {
            for (int c = 0; c < CLASSES; c++) {
                INDArray plus = logits.dup();
                plus.putScalar(i, c, plus.getDouble(i, c) + h);
                INDArray minus = logits.dup();
                minus.putScalar(i, c, minus.getDouble(i, c) - h);
                double numeric = (loss.computeScore(labels, plus, SOFTMAX, null, false)
                        - loss.computeScore(labels, minus, SOFTMAX, null, false)) / (2 * h);
                assertEquals(numeric, analytic.getDouble(i, c), 1e-6 * Math.max(1, Math.abs(numeric)),
                        "d loss / d z[" + i + "," + c + "]");
            }
        }
    }

    @Test
    void distillationTermIsZeroWhenStudentMatchesTeacher() {
        ILossFunction loss = distillationOnlyLoss();
        INDArray logits = randomLogits();
        INDArray labels = labelsMatchedBy(logits);
        assertEquals(0.0, loss.computeScore(labels, logits, SOFTMAX, null, false), 1e-9);
        INDArray gradient = loss.computeGradient(labels, logits, SOFTMAX, null);
        assertEquals(0.0, gradient.norm2Number().doubleValue(), 1e-9);
    }

    @Test
    void distillationTermIsPositiveWhenStudentDiffers() {
        ILossFunction loss = distillationOnlyLoss();
        INDArray logits = randomLogits();
        INDArray labels = labelsMatchedBy(randomLogits());
        assertTrue(loss.computeScore(labels, logits, SOFTMAX, null, false) > 0);
    }

    @Test
    void averageIsSumOverExamplesDividedByMinibatchSize() {
        ILossFunction loss = loss();
        INDArray logits = randomLogits();
        INDArray labels = randomLabels(logits, random);
        INDArray perExample = loss.computeScoreArray(labels, logits, SOFTMAX, null);
        assertEquals(EXAMPLES, perExample.length());
        double sum = perExample.sumNumber().doubleValue();
        assertEquals(sum, loss.computeScore(labels, logits, SOFTMAX, null, false), 1e-9);
        assertEquals(sum / EXAMPLES, loss.computeScore(labels, logits, SOFTMAX, null, true), 1e-9);
        assertEquals(sum, loss.computeGradientAndScore(labels, logits, SOFTMAX, null, false).getFirst(), 1e-9);
    }

    @Test
    void maskedExamplesContributeNothing() {
        ILossFunction loss = loss();
        INDArray logits = randomLogits();
        INDArray labels = randomLabels(logits, random);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, EXAMPLES, 1);
        mask.putScalar(1, 0, 0.0);
        mask.putScalar(3, 0, 0.0);

        INDArray unmaskedScores = loss.computeScoreArray(labels, logits, SOFTMAX, null);
        INDArray maskedScores = loss.computeScoreArray(labels, logits, SOFTMAX, mask);
        INDArray unmaskedGradient = loss.computeGradient(labels, logits, SOFTMAX, null);
        INDArray maskedGradient = loss.computeGradient(labels, logits, SOFTMAX, mask);
        for (int i = 0; i < EXAMPLES; i++) {
            double keep = mask.getDouble(i, 0);
            assertEquals(keep * unmaskedScores.getDouble(i), maskedScores.getDouble(i), 1e-12);
            for (int c = 0; c < CLASSES; c++) {
                assertEquals(keep * unmaskedGradient.getDouble(i, c), maskedGradient.getDouble(i, c), 1e-12);
            }
        }
    }

    @Test
    void refusesMaskOfWrongShape() {
        INDArray logits = randomLogits();
        INDArray labels = randomLabels(logits, random);
        INDArray perOutputMask = Nd4j.ones(DataType.DOUBLE, EXAMPLES, CLASSES);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> loss().computeGradient(labels, logits, SOFTMAX, perOutputMask));
        assertTrue(e.getMessage().contains("[" + EXAMPLES + ", " + CLASSES + "]"), e.getMessage());
    }

    @Test
    void refusesLabelsOfWrongShape() {
        INDArray logits = randomLogits();
        INDArray tooNarrow = labelsOfWrongShape();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> loss().computeScore(tooNarrow, logits, SOFTMAX, null, true));
        assertTrue(e.getMessage().contains("[" + EXAMPLES + ", " + CLASSES + "]"), e.getMessage());
    }
}
