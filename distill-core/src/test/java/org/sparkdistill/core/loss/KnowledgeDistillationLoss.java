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
 * Hinton's knowledge-distillation loss: softened teacher/student KL scaled by T², mixed with hard-label cross-entropy.
 *
 * <p>See: Hinton G., Vinyals O., Dean J. "Distilling the Knowledge in a Neural Network", NIPS Deep Learning
 * Workshop 2014. For logits {@code z}, soft targets {@code q} (the teacher at temperature {@code T}) and one-hot
 * labels {@code y}, the per-example loss is
 * {@code α·T²·KL(q ‖ softmax(z/T)) + (1−α)·CE(y, softmax(z))}; its gradient with respect to {@code z} is
 * {@code α·T·(softmax(z/T) − q) + (1−α)·(softmax(z) − y)}. The T² factor keeps the soft term's gradient
 * magnitude independent of T, as the paper recommends.
 *
 * <p>The reference the training graph's knowledge-distillation heads are checked against: one loss on the output layer,
 * its labels packed by {@link SoftTargets}. The output layer's activation must be softmax or identity: the loss
 * works on the pre-activation logits either way. Masks may be per example ({@code [N, 1]}). Instances are immutable
 * and thread-safe; a schedule for T or α installs a new instance.
 */
public final class KnowledgeDistillationLoss extends PerExampleLoss {
    private static final long serialVersionUID = 1L;
    private static final double MIN_PROBABILITY = 1e-30;

    @JsonProperty("temperature")
    private final double temperature;
    @JsonProperty("alpha")
    private final double alpha;

    /**
     * @param temperature softening temperature T, finite and &gt; 0
     * @param alpha weight of the distillation term in [0, 1]; 1 − α weighs the hard-label cross-entropy
     */
    @JsonCreator
    public KnowledgeDistillationLoss(@JsonProperty("temperature") double temperature,
                                     @JsonProperty("alpha") double alpha) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new InvalidInputException("temperature = " + temperature + ": must be finite and > 0");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new InvalidInputException("alpha = " + alpha + ": must be in [0, 1]");
        }
        this.temperature = temperature;
        this.alpha = alpha;
    }

    public double temperature() {
        return temperature;
    }

    public double alpha() {
        return alpha;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Targets targets = Targets.unpack(labels, preOutput, activationFn);
        INDArray hard = targets.hard();
        INDArray soft = targets.soft();

        INDArray logSoftStudent = SoftTargetLoss.logSoftmax(preOutput.div(temperature));
        INDArray logSoftTeacher = Transforms.log(Transforms.max(soft, MIN_PROBABILITY, true), false);
        // KL(q || p_T) = sum q (log q - log p_T); terms with q = 0 vanish because they are multiplied by q.
        INDArray kl = soft.mul(logSoftTeacher.subi(logSoftStudent)).sum(true, 1);
        INDArray crossEntropy = hard.mul(SoftTargetLoss.logSoftmax(preOutput)).sum(true, 1).negi();

        INDArray scores = kl.muli(alpha * temperature * temperature).addi(crossEntropy.muli(1 - alpha));
        return ExampleMask.apply(scores, mask);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Targets targets = Targets.unpack(labels, preOutput, activationFn);
        INDArray hard = targets.hard();
        INDArray soft = targets.soft();

        // d/dz of T^2 * KL(q || softmax(z/T)) is T * (softmax(z/T) * sum(q) - q); sum(q) is 1 for a distribution.
        INDArray softGrad = Transforms.softmax(preOutput.div(temperature), false)
                .muliColumnVector(soft.sum(true, 1)).subi(soft).muli(alpha * temperature);
        INDArray hardGrad = Transforms.softmax(preOutput, true)
                .muliColumnVector(hard.sum(true, 1)).subi(hard).muli(1 - alpha);
        return ExampleMask.apply(softGrad.addi(hardGrad), mask);
    }

    @Override
    public String name() {
        return "KnowledgeDistillation(T=" + temperature + ", alpha=" + alpha + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KnowledgeDistillationLoss other
                && Double.compare(temperature, other.temperature) == 0 && Double.compare(alpha, other.alpha) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(temperature) + Double.hashCode(alpha);
    }

    /** The two halves of a packed labels array, checked against the student's output and cast to its type. */
    private record Targets(INDArray hard, INDArray soft) {
        static Targets unpack(INDArray labels, INDArray preOutput, IActivation activation) {
            requireLogitActivation(activation);
            SoftTargets.requirePacked(labels, preOutput);
            long classes = preOutput.size(1);
            return new Targets(SoftTargets.hard(labels, classes).castTo(preOutput.dataType()),
                    SoftTargets.soft(labels, classes).castTo(preOutput.dataType()));
        }
    }

    private static void requireLogitActivation(IActivation activation) {
        if (!(activation instanceof ActivationSoftmax) && !(activation instanceof ActivationIdentity)) {
            throw new InvalidInputException("knowledge distillation needs a softmax or identity output activation, but the "
                    + "output layer uses " + activation);
        }
    }
}
