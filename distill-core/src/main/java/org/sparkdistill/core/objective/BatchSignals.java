package org.sparkdistill.core.objective;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;

/**
 * What the heads of a {@link TrainingGraph} learn from at one step: the batch's one-hot labels, the ensemble's soft
 * targets, the named teacher outputs, the step's temperature and distillation weight, and, where peers train
 * together, each peer's targets from the others.
 *
 * @param labels one-hot labels {@code [N, C]}; an unlabeled row is all zeros
 * @param softTargets the ensemble's distribution at {@code temperature}, {@code [N, C]}, or null when no head reads it
 *     at this step
 * @param outputs the teacher outputs the objectives named, each {@code [N, width]}
 * @param temperature the step's softening temperature, &gt; 0
 * @param alpha the step's distillation weight, in [0, 1]
 * @param peerTargets by peer prefix, the distribution the other peers predict for the batch, {@code [N, C]}; empty
 *     unless peers train together (see {@link MutualLearning})
 */
public record BatchSignals(INDArray labels, INDArray softTargets, Map<TeacherOutput, INDArray> outputs,
                           double temperature, double alpha, Map<String, INDArray> peerTargets) {
    public BatchSignals {
        outputs = Map.copyOf(outputs);
        peerTargets = Map.copyOf(peerTargets);
    }

    /** Signals without peer targets. */
    public BatchSignals(INDArray labels, INDArray softTargets, Map<TeacherOutput, INDArray> outputs, double temperature,
            double alpha) {
        this(labels, softTargets, outputs, temperature, alpha, Map.of());
    }

    /** These signals with {@code targets} as the peers' targets. */
    public BatchSignals withPeerTargets(Map<String, INDArray> targets) {
        return new BatchSignals(labels, softTargets, outputs, temperature, alpha, targets);
    }

    /** The targets of the peer whose names begin with {@code prefix}; refused when none were computed. */
    public INDArray peerTargets(String prefix) {
        INDArray values = peerTargets.get(prefix);
        if (values == null) {
            throw new IllegalStateException("no targets from the other peers were computed for peer '" + prefix
                    + "'; computed for " + peerTargets.keySet());
        }
        return values;
    }

    /** Signals for plain training on labels: no soft targets, no teacher outputs, α = 0. */
    public static BatchSignals labelsOnly(INDArray labels) {
        return new BatchSignals(labels, null, Map.of(), 1.0, 0.0);
    }

    /** The soft targets; refused when the teacher stage did not compute them for this step. */
    public INDArray requireSoftTargets() {
        if (softTargets == null) {
            throw new IllegalStateException("no soft targets were computed for a step with alpha = " + alpha);
        }
        return softTargets;
    }

    /** The values of {@code output}; refused when the teacher stage did not compute them. */
    public INDArray output(TeacherOutput output) {
        INDArray values = outputs.get(output);
        if (values == null) {
            throw new InvalidInputException("the teacher stage gave no values for teacher output " + output
                    + "; it gave " + outputs.keySet());
        }
        return values;
    }
}
