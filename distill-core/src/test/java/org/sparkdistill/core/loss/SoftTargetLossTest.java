package org.sparkdistill.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

class SoftTargetLossTest extends LossContract {
    static final double T = 2.5;

    @Override
    ILossFunction loss() {
        return new SoftTargetLoss(T);
    }

    @Override
    ILossFunction distillationOnlyLoss() {
        return new SoftTargetLoss(T);
    }

    @Override
    INDArray randomLabels(INDArray logits, Random random) {
        return Transforms.softmax(logits.mul(0.5).addi(randomLogits()).divi(T), false);
    }

    @Override
    INDArray labelsMatchedBy(INDArray logits) {
        return Transforms.softmax(logits.div(T), true);
    }

    @Override
    INDArray labelsOfWrongShape() {
        return Nd4j.zeros(DataType.DOUBLE, EXAMPLES, CLASSES + 1);
    }

    @Test
    void atTemperatureOneOnOneHotLabelsItIsTheCrossEntropyAndItsGradient() {
        INDArray logits = randomLogits();
        INDArray labels = oneHot(random);
        SoftTargetLoss loss = new SoftTargetLoss(1);
        INDArray probabilities = Transforms.softmax(logits, true);
        double crossEntropy = -Transforms.log(probabilities, true).mul(labels).sumNumber().doubleValue();
        assertEquals(crossEntropy, loss.computeScore(labels, logits, SOFTMAX, null, false), 1e-12);
        assertEquals(probabilities.sub(labels), loss.computeGradient(labels, logits, SOFTMAX, null));
    }

    @Test
    void aRowWithoutATargetContributesNothing() {
        INDArray logits = randomLogits();
        INDArray labels = oneHot(random);
        labels.getRow(2).assign(0);
        SoftTargetLoss loss = new SoftTargetLoss(1);
        assertEquals(0, loss.computeScoreArray(labels, logits, SOFTMAX, null).getDouble(2, 0), 0);
        assertEquals(Nd4j.zeros(DataType.DOUBLE, CLASSES), loss.computeGradient(labels, logits, SOFTMAX, null).getRow(2));
    }

    @Test
    void aWeightScalesScoreAndGradientAndZeroSkipsTheLabels() {
        INDArray logits = randomLogits();
        INDArray labels = randomLabels(logits, random);
        SoftTargetLoss loss = new SoftTargetLoss(T);
        WeightedLoss weighted = new WeightedLoss(0.25, loss);
        assertEquals(0.25 * loss.computeScore(labels, logits, SOFTMAX, null, true),
                weighted.computeScore(labels, logits, SOFTMAX, null, true), 1e-12);
        assertEquals(loss.computeGradient(labels, logits, SOFTMAX, null).mul(0.25),
                weighted.computeGradient(labels, logits, SOFTMAX, null));
        WeightedLoss off = new WeightedLoss(0, loss);
        INDArray nonsense = Nd4j.zeros(DataType.DOUBLE, 1, 1);
        assertEquals(0, off.computeScore(nonsense, logits, SOFTMAX, null, true), 0);
        assertEquals(Nd4j.zeros(DataType.DOUBLE, EXAMPLES, CLASSES), off.computeGradient(nonsense, logits, SOFTMAX, null));
    }
}
