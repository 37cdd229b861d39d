package org.sparkdistill.core.objective;

import java.util.List;
import org.sparkdistill.core.InvalidInputException;

/**
 * Hinton's knowledge distillation on the student's logits: {@code weight·(α·T²·KL(q ‖ softmax(z/T)) + (1 − α)·CE(y,
 * softmax(z)))}, with the step's temperature T and distillation weight α.
 *
 * <p>See: Hinton G., Vinyals O., Dean J. "Distilling the Knowledge in a Neural Network", NIPS Deep Learning Workshop
 * 2014. At α = 0 it is plain cross-entropy training on the labels, and the teachers are not run.
 *
 * @param weight the objective's share of the loss, finite and &gt;= 0
 */
public record KnowledgeDistillation(double weight) implements DistillationObjective {
    /** The name of the objective, and the prefix of its heads. */
    public static final String NAME = "kd";

    public KnowledgeDistillation {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new InvalidInputException("objective kd: weight = " + weight + " must be finite and >= 0");
        }
    }

    /** The objective at weight 1: the whole of the loss, as the shorthand {@code temperature}/{@code alpha} keys say. */
    public static KnowledgeDistillation alone() {
        return new KnowledgeDistillation(1.0);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ObjectiveHead> heads(StudentGraph student) {
        return List.of(new LogitsHead(student.head(NAME + "-soft"), LogitsHead.Target.SOFT_TARGETS, weight),
                new LogitsHead(student.head(NAME + "-labels"), LogitsHead.Target.LABELS, weight));
    }
}
