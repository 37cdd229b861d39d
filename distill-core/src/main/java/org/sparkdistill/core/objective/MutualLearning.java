package org.sparkdistill.core.objective;

import java.util.List;

/**
 * Deep mutual learning: each peer's logits pulled towards what the other peers predict for the same batch,
 * {@code weight·T²·(1/(K−1))·Σ_{j≠i} KL(p_j ‖ softmax(z_i/T))}, with the other peers' distributions taken as fixed
 * targets (no gradient flows into the peers that give them).
 *
 * <p>See: Zhang Y., Xiang T., Hospedales T.M., Lu H. "Deep Mutual Learning", CVPR 2018. The other peers' predictions
 * come from an inference pass of the current parameters just before the step. The sum of KL terms has the same
 * gradient as one cross-entropy towards the mean of the other peers' distributions, which is what the head computes;
 * its reported loss differs from the sum of KLs by the targets' entropies, a constant of the step.
 *
 * @param weight the term's share of each peer's loss, finite and &gt;= 0
 * @param temperature the temperature both sides are softened at, &gt; 0
 */
public record MutualLearning(double weight, double temperature) implements DistillationObjective {
    /** The name of the objective, and the suffix of its heads' names. */
    public static final String NAME = "mutual";

    public MutualLearning {
        PeerHead.requireValid(NAME, weight, temperature);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ObjectiveHead> heads(StudentGraph student) {
        return List.of(new PeerHead(student.head(NAME), student.prefix(), weight, temperature,
                PeerHead.Source.GRAPH_PEERS));
    }

    @Override
    public boolean needsPeers() {
        return true;
    }
}
