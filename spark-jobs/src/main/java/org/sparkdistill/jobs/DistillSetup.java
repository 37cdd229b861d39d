package org.sparkdistill.jobs;

import java.io.Serializable;
import java.util.List;
import org.sparkdistill.core.objective.DistillationObjective;
import org.apache.spark.broadcast.Broadcast;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.jobs.cache.CachedRows;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.ShardStorage;
import org.sparkdistill.core.train.PeerChoice;

/**
 * What the driver prepared for every replica of one {@code distill} run: the data's shape, the plan, the student and
 * teachers to build, the broadcast held-out set, and the soft-label cache columns if any.
 *
 * @param objectives the terms of the student's loss
 * @param distils false when α is zero throughout and no objective reads a teacher output: teachers then only measure
 *     agreement
 * @param exchange how the replicas exchange gradients
 * @param cache the layout of the cached logits each shard row carries after id, features and label; null when the
 *     teachers run on the training data instead
 * @param shards how each replica keeps its shard: the memory budget beyond which it spills, and the epoch order
 * @param peers where peers train together, each peer's student (two or more); empty for a lone {@code student}
 * @param keep which peer (or codistillation group) the run keeps as its student
 * @param groups how many codistillation groups the workers form; 1 for plain data parallelism
 * @param exchangeEvery steps between the groups' exchanges of parameters, when there are groups
 */
public record DistillSetup(DatasetInfo info, TrainingPlan plan, StudentSpec student,
                           List<DistillationObjective> objectives, TeacherSpecs teachers, boolean distils,
                           ExchangeSpec exchange, Broadcast<Examples> heldOut, CachedRows.Layout cache,
                           ShardStorage shards, List<StudentSpec> peers, PeerChoice keep, int groups,
                           int exchangeEvery) implements Serializable {
    public DistillSetup {
        objectives = List.copyOf(objectives);
        peers = List.copyOf(peers);
    }

    /** The setup of a lone student. */
    public DistillSetup(DatasetInfo info, TrainingPlan plan, StudentSpec student, List<DistillationObjective> objectives,
            TeacherSpecs teachers, boolean distils, ExchangeSpec exchange, Broadcast<Examples> heldOut,
            CachedRows.Layout cache, ShardStorage shards) {
        this(info, plan, student, objectives, teachers, distils, exchange, heldOut, cache, shards, List.of(),
                PeerChoice.best(), 1, 1);
    }
}
