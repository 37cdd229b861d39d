package org.sparkdistill.core.train;

import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.gradients.collective.Communicator;

/**
 * One worker's place among synchronous data-parallel replicas of a student: the group it averages
 * gradients with, and the size of the largest shard in the group, which fixes the steps per epoch
 * every replica takes.
 *
 * <p>A replica whose shard is smaller than the largest wraps around its own shuffled order, so all
 * replicas take equally sized batches at every step (as PyTorch's {@code DistributedSampler} pads).
 *
 * @param group the communicator of all replicas, or null for a worker training alone
 * @param largestShard the number of examples of the largest shard in the group
 */
public record Replica(Communicator group, int largestShard) {
    public Replica {
        if (largestShard < 1) {
            throw new InvalidInputException("the largest shard must hold at least one example, got " + largestShard);
        }
    }

    /** A worker training alone on {@code examples} examples. */
    public static Replica alone(int examples) {
        return new Replica(null, examples);
    }

    /** This replica's rank; 0 when training alone. */
    public int rank() {
        return group == null ? 0 : group.rank();
    }

    /** The number of replicas. */
    public int ranks() {
        return group == null ? 1 : group.size();
    }

    /** True for the replica that evaluates, checkpoints and reports. */
    public boolean leads() {
        return rank() == 0;
    }
}
