package org.sparkdistill.core.train;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.gradients.collective.Communicator;

/**
 * The workers of a codistillation run cut into groups of consecutive ranks: each group trains its own student
 * data-parallel on a ring of its own, and the groups exchange their students' parameters now and then.
 *
 * <p>See: Anil R. et al. "Large scale distributed neural network training through online distillation", ICLR 2018. An
 * exchange is an all-gather among the groups' leaders (each group's first rank) followed by a broadcast inside each
 * group; between exchanges no bytes cross groups. Not thread-safe.
 */
public final class WorkerGroups {
    private final int groupCount;
    private final int groupIndex;
    private final Communicator group;
    private final Communicator leaders;

    private WorkerGroups(int groupCount, int groupIndex, Communicator group, Communicator leaders) {
        this.groupCount = groupCount;
        this.groupIndex = groupIndex;
        this.group = group;
        this.leaders = leaders;
    }

    /**
     * This rank's place when {@code all} ranks form {@code groups} groups of equal size.
     *
     * @throws InvalidInputException naming both counts when the groups do not divide the workers, or there are fewer
     *     than two groups
     */
    public static WorkerGroups of(Communicator all, int groups) {
        int workers = all.size();
        if (groups < 2 || workers % groups != 0) {
            throw new InvalidInputException("training.groups = " + groups + " must be 2 or more and divide "
                    + "training.workers = " + workers + " into groups of equal size");
        }
        int size = workers / groups;
        int index = all.rank() / size;
        Communicator group = all.subGroup(IntStream.range(index * size, (index + 1) * size).toArray());
        Communicator leaders = all.rank() % size != 0 ? null
                : all.subGroup(IntStream.range(0, groups).map(g -> g * size).toArray());
        return new WorkerGroups(groups, index, group, leaders);
    }

    /** The number of groups. */
    public int groupCount() {
        return groupCount;
    }

    /** This rank's group, from 0. */
    public int groupIndex() {
        return groupIndex;
    }

    /** The ranks of this rank's group, which average gradients with each other only. */
    public Communicator group() {
        return group;
    }

    /** The payload bytes this rank has sent to other groups so far: a leader's share of the exchanges. */
    public long bytesSentAcrossGroups() {
        return leaders == null ? 0 : leaders.bytesSent();
    }

    /**
     * Every group's {@code params}, as row {@code g} of the result for group {@code g}, on every rank: the leaders
     * gather their groups' vectors, then each leader hands all of them to its group. Every rank of every group calls
     * it at the same step with its group's parameters (the same on every rank of a group).
     */
    public INDArray exchange(INDArray params) {
        INDArray local = params.reshape(params.length()).dup();
        INDArray gathered = Nd4j.create(local.dataType(), (long) groupCount * local.length());
        if (leaders != null) {
            leaders.allGather(local, gathered);
        }
        group.broadcast(gathered, 0);
        return gathered.reshape(groupCount, local.length());
    }
}
