package org.sparkdistill.core.loss;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.sparkdistill.core.InvalidInputException;

/**
 * The soft term of knowledge distillation: the KL divergence from the teacher's softened distribution to the student's,
 * scaled by T².
 *
 * <p>See: Hinton G., Vinyals O., Dean J. "Distilling the Knowledge in a Neural Network", NIPS Deep Learning Workshop
 * 2014. For logits {@code z} and soft targets {@code q} (the teacher at temperature {@code T}) the per-example loss is
 * {@code T²·KL(q ‖ softmax(z/T))}, whose gradient with respect to {@code z} is {@code T·(softmax(z/T) − q)}; the T²
 * factor keeps that gradient's magnitude independent of T, as the paper recommends. The loss reads the pre-activation
 * logits, so the layer's activation must be identity or softmax. A row of zeros (no target) contributes nothing. Masks
 * may be per example ({@code [N, 1]}). Immutable and thread-safe.
 */
public final class SoftTargetLoss extends PerExampleLoss {
    private static final long serialVersionUID = 1L;
    private static final double MIN_PROBABILITY = 1e-30;

    @JsonProperty("temperature")
    private final double temperature;

    /** @param temperature the softening temperature T, finite and &gt; 0 */
    @JsonCreator
    public SoftTargetLoss(@JsonProperty("temperature") double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new InvalidInputException("temperature = " + temperature + ": must be finite and > 0");
        }
        this.temperature = temperature;
    }

    public double temperature() {
        return temperature;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray soft = targets(labels, preOutput, activationFn);
        INDArray logStudent = logSoftmax(preOutput.div(temperature));
        INDArray logTeacher = Transforms.log(Transforms.max(soft, MIN_PROBABILITY, true), false);
        // KL(q || p_T) = sum q (log q - log p_T); terms with q = 0 vanish because they are multiplied by q.
        INDArray kl = soft.mul(logTeacher.subi(logStudent)).sum(true, 1);
        return ExampleMask.apply(kl.muli(temperature * temperature), mask);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray soft = targets(labels, preOutput, activationFn);
        // d/dz of T^2 * KL(q || softmax(z/T)) is T * (softmax(z/T) * sum(q) - q); sum(q) is 1 for a distribution.
        INDArray gradient = Transforms.softmax(preOutput.div(temperature), false)
                .muliColumnVector(soft.sum(true, 1)).subi(soft).muli(temperature);
        return ExampleMask.apply(gradient, mask);
    }

    @Override
    public String name() {
        return "SoftTargets(T=" + temperature + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftTargetLoss other && Double.compare(temperature, other.temperature) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(temperature);
    }

    /** Row-wise log-softmax, computed stably by subtracting each row's maximum. */
    static INDArray logSoftmax(INDArray logits) {
        INDArray shifted = logits.subColumnVector(logits.max(true, 1));
        INDArray logNormalizer = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        return shifted.subiColumnVector(logNormalizer);
    }

    private static INDArray targets(INDArray labels, INDArray preOutput, IActivation activation) {
        if (!(activation instanceof ActivationSoftmax) && !(activation instanceof ActivationIdentity)) {
            throw new InvalidInputException("soft targets need a softmax or identity activation on the logits, but the "
                    + "layer uses " + activation);
        }
        if (!labels.equalShapes(preOutput)) {
            throw new InvalidInputException("soft targets have shape " + java.util.Arrays.toString(labels.shape())
                    + " but the logits have shape " + java.util.Arrays.toString(preOutput.shape())
                    + "; they must be equal");
        }
        return labels.castTo(preOutput.dataType());
    }
}
