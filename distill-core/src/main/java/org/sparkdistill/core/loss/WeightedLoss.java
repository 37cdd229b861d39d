package org.sparkdistill.core.loss;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.sparkdistill.core.InvalidInputException;

/**
 * A loss multiplied by a constant weight: its score and its gradient both scale by the weight.
 *
 * <p>At weight 0 neither the loss nor its labels are looked at: the score is 0 and the gradient all zeros, so a term
 * that a schedule switches off costs nothing and may be given placeholder labels. Immutable and thread-safe.
 */
public final class WeightedLoss extends PerExampleLoss {
    private static final long serialVersionUID = 1L;

    @JsonProperty("weight")
    private final double weight;
    @JsonProperty("loss")
    private final ILossFunction loss;

    /**
     * @param weight the multiplier, finite and &gt;= 0
     * @param loss the loss it multiplies
     */
    @JsonCreator
    public WeightedLoss(@JsonProperty("weight") double weight, @JsonProperty("loss") ILossFunction loss) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new InvalidInputException("loss weight = " + weight + ": must be finite and >= 0");
        }
        if (loss == null) {
            throw new IllegalArgumentException("a weighted loss needs a loss, got null");
        }
        this.weight = weight;
        this.loss = loss;
    }

    public double weight() {
        return weight;
    }

    public ILossFunction loss() {
        return loss;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (weight == 0) {
            return preOutput.ulike().reshape(preOutput.size(0), 1).assign(0);
        }
        return loss.computeScoreArray(labels, preOutput, activationFn, mask).muli(weight);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        return weight == 0 ? 0 : weight * loss.computeScore(labels, preOutput, activationFn, mask, average);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (weight == 0) {
            return preOutput.ulike().assign(0);
        }
        return loss.computeGradient(labels, preOutput, activationFn, mask).muli(weight);
    }

    @Override
    public String name() {
        return weight + "·" + loss.name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightedLoss other && Double.compare(weight, other.weight) == 0 && loss.equals(other.loss);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(weight) + loss.hashCode();
    }
}
