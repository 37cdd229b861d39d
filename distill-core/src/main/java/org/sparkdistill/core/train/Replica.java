package org.sparkdistill.core.train;

import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.KeepAlive;
import org.sparkdistill.gradients.overlap.OverlapSettings;

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
 * @param exchange how the replicas cut their gradients into all-reduce buckets
 */
public record Replica(Communicator group, int largestShard, OverlapSettings exchange) {
    public Replica {
        if (largestShard < 1) {
            throw new InvalidInputException("the largest shard must hold at least one example, got " + largestShard);
        }
        if (exchange == null) {
            throw new IllegalArgumentException("a replica needs gradient exchange settings");
        }
    }

    /** A replica of {@code group} exchanging gradients in adaptive buckets. */
    public Replica(Communicator group, int largestShard) {
        this(group, largestShard, OverlapSettings.DEFAULT);
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

    /**
     * Keeps the other replicas from timing out on this one while it does long local work, such as rank 0's
     * evaluation and checkpoints, until the scope closes; a scope without effect for a worker training alone.
     */
    public KeepAlive keepAlive(String activity) {
        return group == null ? KeepAlive.NONE : group.keepAlive(activity);
    }

    /** True for the replica that evaluates, checkpoints and reports. */
    public boolean leads() {
        return rank() == 0;
    }
}
