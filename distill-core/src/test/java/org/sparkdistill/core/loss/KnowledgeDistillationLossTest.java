package org.sparkdistill.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
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
