package org.sparkdistill.core.objective;

import java.util.List;

/**
 * Codistillation: the student's logits pulled towards what the other groups' students predict for the same batch,
 * {@code weight·T²·KL(mean over the other groups of their distribution at T ‖ softmax(z/T))}, from copies of their
 * parameters as of the last exchange.
 *
 * <p>See: Anil R., Pereyra G., Passos A., Ormándi R., Dahl G.E., Hinton G.E. "Large scale distributed neural network
 * training through online distillation", ICLR 2018. Groups train apart between exchanges; until the first exchange
 * there are no copies and the term weighs nothing (the paper's burn-in).
 *
 * @param weight the term's share of the loss, finite and &gt;= 0
 * @param temperature the temperature both sides are softened at, &gt; 0
 */
public record Codistillation(double weight, double temperature) implements DistillationObjective {
    /** The name of the objective, and the suffix of its head's name. */
    public static final String NAME = "codistill";

    public Codistillation {
        PeerHead.requireValid(NAME, weight, temperature);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ObjectiveHead> heads(StudentGraph student) {
        return List.of(new PeerHead(student.head(NAME), student.prefix(), weight, temperature,
                PeerHead.Source.OTHER_GROUPS));
    }
}
