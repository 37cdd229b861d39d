package org.sparkdistill.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.InvalidInputException;

class KnowledgeDistillationLossTest extends LossContract {
    static final double T = 3.0;

    @Override
    ILossFunction loss() {
        return new KnowledgeDistillationLoss(T, 0.7);
    }

    @Override
    ILossFunction distillationOnlyLoss() {
        return new KnowledgeDistillationLoss(T, 1.0);
    }

    @Override
    INDArray randomLabels(INDArray logits, Random random) {
        INDArray teacherLogits = logits.mul(0.5).addi(randomLogits());
        return SoftTargets.pack(oneHot(random), Transforms.softmax(teacherLogits.div(T), false));
    }

    @Override
    INDArray labelsMatchedBy(INDArray logits) {
        return SoftTargets.pack(oneHot(random), Transforms.softmax(logits.div(T), true));
    }

    /**
     * Two examples over three classes, the labels' soft half being the teacher at temperature {@code t}, and the loss's
     * value and gradient worked out independently of the class under test.
     *
     * <p>The expected numbers were computed in 50-digit arithmetic (Python's mpmath) straight from the definition in
     * Hinton et al. 2015: per example
     * {@code α·T²·Σ_c q_c·(log q_c − log softmax(z/T)_c) − (1−α)·log softmax(z)_y}, the score averaged over the 2
     * examples, and the gradient by numerical differentiation of that per-example expression (DL4J's loss gradients
     * are per example; the minibatch division happens in the network). The soft targets are
     * {@code softmax(teacherLogits/T)} rounded to doubles, and the loss was evaluated on those doubles.
     *
     * @param t the temperature
     * @param logits the student's logits
     * @param labels hard labels then soft targets, per {@link SoftTargets}
     * @param meanLoss {@code computeScore} with {@code average = true}
     * @param perExample {@code computeScoreArray}
     * @param gradient {@code computeGradient}
     */
    private record HandComputed(double t, double[][] logits, double[][] labels, double meanLoss, double[] perExample,
            double[][] gradient) {
    }

    private static final double[][] STUDENT_LOGITS = {{1.0, -0.5, 2.0}, {0.3, 0.8, -1.2}};
    private static final double HAND_ALPHA = 0.3;
    private static final double HAND_TOLERANCE = 2e-15;

    /** The teacher's logits {{2.5, 0, 1}, {-0.4, 1.5, 0.2}}; labels 2 and 1; α = 0.3. */
    static List<HandComputed> handComputed() {
        return List.of(
                new HandComputed(2, STUDENT_LOGITS, new double[][] {
                        {0, 0, 1, 0.5685464148510541, 0.16289127509249063, 0.26856231005645526},
                        {0, 1, 0, 0.20261090626299127, 0.523892977406954, 0.2734961163300547}},
                        0.46090046434997306, new double[] {0.4477102254029357, 0.4740907032970104}, new double[][] {
                        {0.028714143649853023, 0.032701507932015046, -0.06141565158186806},
                        {0.33985451850262915, -0.33296655100687056, -0.006887967495758566}}),
                new HandComputed(4, STUDENT_LOGITS, new double[][] {
                        {0, 0, 1, 0.4499334916008904, 0.24083204345282969, 0.30923446494627993},
                        {0, 1, 0, 0.265262653355692, 0.4265461126587025, 0.3081912339856055}},
                        0.46303748710092213, new double[] {0.43705072186221283, 0.48902425233963137}, new double[][] {
                        {0.04154276851614733, 0.028199529727438336, -0.06974229824358566},
                        {0.35089588784400577, -0.3278714450244089, -0.023024442819596837}}));
    }

    /**
     * Value and gradient agree with the hand computation to {@value #HAND_TOLERANCE}: the loss evaluates the same
     * formula in double precision in its own order (log-softmax, then sums over the classes), so it carries the
     * rounding of a dozen operations on terms of order 1, a few units in the last place of 1 (2.2e-16 each). Seen
     * here: at most 1.5 such units. Dropping T² changes the values by more than 0.01.
     */
    @ParameterizedTest
    @MethodSource("handComputed")
    void valueAndGradientMatchAHandComputationOfHintonsLoss(HandComputed expected) {
        KnowledgeDistillationLoss kd = new KnowledgeDistillationLoss(expected.t(), HAND_ALPHA);
        INDArray logits = Nd4j.createFromArray(expected.logits());
        INDArray labels = Nd4j.createFromArray(expected.labels());
        String at = "T = " + expected.t();

        assertClose(expected.meanLoss(), kd.computeScore(labels, logits.dup(), SOFTMAX, null, true), at + ", mean");
        assertClose(2 * expected.meanLoss(), kd.computeScore(labels, logits.dup(), SOFTMAX, null, false), at + ", sum");
        INDArray perExample = kd.computeScoreArray(labels, logits.dup(), SOFTMAX, null);
        INDArray gradient = kd.computeGradient(labels, logits.dup(), SOFTMAX, null);
        for (int i = 0; i < 2; i++) {
            assertClose(expected.perExample()[i], perExample.getDouble(i), at + ", example " + i);
            for (int c = 0; c < 3; c++) {
                assertClose(expected.gradient()[i][c], gradient.getDouble(i, c),
                        at + ", d loss / d z[" + i + "," + c + "]");
            }
        }
        assertEquals(List.of(2L, 3L), List.of(gradient.size(0), gradient.size(1)), "gradient shape");
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, HAND_TOLERANCE, what);
    }

    @Test
    void alphaZeroIsPlainCrossEntropy() {
        INDArray logits = randomLogits();
        INDArray labels = randomLabels(logits, random);
        INDArray hard = SoftTargets.hard(labels, CLASSES).dup();
        LossMCXENT crossEntropy = new LossMCXENT();
        KnowledgeDistillationLoss kd = new KnowledgeDistillationLoss(T, 0.0);
        assertEquals(crossEntropy.computeScore(hard, logits.dup(), SOFTMAX, null, true),
                kd.computeScore(labels, logits, SOFTMAX, null, true), 1e-9);
        INDArray expected = crossEntropy.computeGradient(hard, logits.dup(), SOFTMAX, null);
        INDArray actual = kd.computeGradient(labels, logits, SOFTMAX, null);
        assertEquals(0.0, expected.sub(actual).norm2Number().doubleValue(), 1e-9);
    }

    @Test
    void identityActivationGivesTheSameLossAsSoftmax() {
        INDArray logits = randomLogits();
        INDArray labels = randomLabels(logits, random);
        assertEquals(loss().computeScore(labels, logits, SOFTMAX, null, true),
                loss().computeScore(labels, logits, new ActivationIdentity(), null, true), 1e-12);
    }

    @Test
    void refusesAnOutputActivationThatIsNotSoftmaxOrIdentity() {
        INDArray logits = randomLogits();
        INDArray labels = randomLabels(logits, random);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> loss().computeScore(labels, logits, new ActivationReLU(), null, true));
        assertTrue(e.getMessage().contains("relu"), e.getMessage());
    }

    @Test
    void refusesNegativeTemperatureAndAlphaOutOfRange() {
        InvalidInputException t = assertThrows(InvalidInputException.class, () -> new KnowledgeDistillationLoss(-1, 0.5));
        assertTrue(t.getMessage().contains("temperature = -1.0"), t.getMessage());
        InvalidInputException a = assertThrows(InvalidInputException.class, () -> new KnowledgeDistillationLoss(2, 1.5));
        assertTrue(a.getMessage().contains("alpha = 1.5") && a.getMessage().contains("[0, 1]"), a.getMessage());
    }
}
