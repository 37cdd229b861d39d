package org.sparkdistill.jobs;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.NetworkCopies;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.metrics.PeerMetrics;
import org.sparkdistill.core.teacher.SoftTargetSource;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.core.train.CheckpointStore;
import org.sparkdistill.core.train.Checkpoints;
import org.sparkdistill.core.train.DistillationTrainer;
import org.sparkdistill.core.train.GroupCheckpoints;
import org.sparkdistill.core.train.Replica;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.TrainingProgress;
import org.sparkdistill.core.train.WorkerGroups;
import org.sparkdistill.jobs.cache.CachedRows;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.ProgressAccumulators;
import org.sparkdistill.jobs.spark.Rendezvous;

/**
 * One data-parallel replica of {@code distill}, run as a task of a barrier stage: collects its shard (on the heap up to
 * the memory budget, else spilled to the executor's local disk), joins the other replicas, loads the teachers, trains,
 * and (rank 0 only) sends the student back.
 *
 * <p>Rank 0 (where groups codistill, each group's first rank) starts from the resume checkpoint when there is one; the
 * trainer then hands its parameters and updater state to every rank (of its group). Teachers listed while α is zero throughout are loaded for evaluation only. With a soft-label
 * cache, the soft targets come from the logits each shard row carries, and the teachers run only on the held-out set
 * for evaluation.
 */
final class ReplicaTask implements FlatMapFunction<Iterator<InternalRow>, TrainedStudent> {
    private static final long serialVersionUID = 1L;

    private final DistillSetup setup;
    private final CheckpointStore checkpointStore;
    private final List<Checkpoints.Checkpoint> resume;
    private final byte[] secret;
    private final ProgressAccumulators progress;

    /**
     * @param resume the checkpoints to resume from, one per group in group order (one for a lone student or peers), or
     *     none to start afresh
     */
    ReplicaTask(DistillSetup setup, CheckpointStore checkpointStore, List<Checkpoints.Checkpoint> resume, byte[] secret,
            ProgressAccumulators progress) {
        this.setup = setup;
        this.checkpointStore = checkpointStore;
        this.resume = List.copyOf(resume);
        this.secret = secret;
        this.progress = progress;
    }

    @Override
    public Iterator<TrainedStudent> call(Iterator<InternalRow> rows) {
        BarrierTaskContext context = BarrierTaskContext.get();
        DatasetInfo info = setup.info();
        CachedRows cached = setup.cache() == null ? null : new CachedRows(setup.cache());
        // The shard is closed, and its spill file deleted, however training ends.
        try (Rendezvous rendezvous = Rendezvous.listen(context, setup.exchange().transport());
                Shard shard = setup.shards().collect("training shard " + context.partitionId(), rows, info,
                        cached == null ? ExampleFrames.ExtraColumns.NONE : cached, context)) {
            Replica replica = rendezvous.join(shard.size(), secret, setup.exchange().settings());
            return setup.groups() > 1 ? codistil(replica, shard, cached) : train(replica, shard, cached);
        }
    }

    /** Loads the teachers, trains this replica's student on {@code shard} and returns it from rank 0. */
    private Iterator<TrainedStudent> train(Replica replica, Shard shard, CachedRows cached) {
        try (TeacherEnsemble ensemble = setup.teachers().paths().isEmpty() ? null
                : setup.teachers().load(setup.info().shape())) {
            Evaluator evaluator = evaluator(ensemble);
            SoftTargetSource targets = targets(ensemble, cached, shard);
            Checkpoints checkpoints = checkpoints(0);
            List<Model> networks = startingStudents(replica.largestShard());
            Throwable failure = null;
            try {
                DistillationTrainer trainer = new DistillationTrainer(setup.plan(), targets, evaluator,
                        setup.objectives()).keepPeer(setup.keep());
                StepLog log = replica.leads() ? log(trainer, replica.largestShard()) : null;
                List<EpochMetrics> history = setup.peers().isEmpty()
                        ? trainLone(trainer, networks.get(0), shard, checkpoints, replica, 0)
                        : trainPeers(trainer, networks, shard, checkpoints, replica);
                if (!replica.leads()) {
                    return List.<TrainedStudent>of().iterator();
                }
                return List.of((setup.peers().isEmpty() ? TrainedStudent.of(networks.get(0), history)
                        : TrainedStudent.ofPeers(networks, history)).withSteps(steps(log))).iterator();
            } catch (RuntimeException | Error e) {
                failure = e;
                throw e;
            } finally {
                for (Model network : networks) {
                    release(network, failure);
                }
            }
        }
    }

    /**
     * Trains this replica's group's student, codistilling with the other groups, then gathers every group's student:
     * rank 0 returns them all, the most accurate on the held-out data as the run's student. Group {@code g}'s student
     * starts from the plan's seed plus {@code g}; each group's first rank checkpoints it, and resumes it from the
     * group's checkpoint.
     */
    private Iterator<TrainedStudent> codistil(Replica world, Shard shard, CachedRows cached) {
        try (TeacherEnsemble ensemble = setup.teachers().paths().isEmpty() ? null
                : setup.teachers().load(setup.info().shape())) {
            Evaluator evaluator = evaluator(ensemble);
            WorkerGroups groups = WorkerGroups.of(world.group(), setup.groups());
            Replica replica = new Replica(groups.group(), world.largestShard(), world.exchange());
            Model network = build(setup.student(), setup.plan().seed() + groups.groupIndex(), world.largestShard());
            List<Model> everyGroup = new ArrayList<>();
            Throwable failure = null;
            try {
                DistillationTrainer trainer = new DistillationTrainer(setup.plan(), targets(ensemble, cached, shard),
                        evaluator, setup.objectives()).codistill(groups, setup.exchangeEvery());
                StepLog log = world.leads() ? log(trainer, world.largestShard()) : null;
                List<EpochMetrics> history = trainLone(trainer, network, shard, checkpoints(groups.groupIndex()),
                        replica, groups.groupIndex());
                INDArray students = groups.exchange(network.params());
                if (!world.leads()) {
                    return List.<TrainedStudent>of().iterator();
                }
                List<PeerMetrics> peers = new ArrayList<>();
                EpochMetrics last = history.get(history.size() - 1);
                for (int g = 0; g < groups.groupCount(); g++) {
                    Model student = NetworkCopies.of(network);
                    student.setParams(students.getRow(g).reshape(1, students.columns()));
                    everyGroup.add(student);
                    peers.add(PeerMetrics.of(g, evaluator.evaluate(student, last.epoch(), last.step(),
                            last.trainLoss(), last.seconds())));
                }
                List<EpochMetrics> reported = new ArrayList<>(history.subList(0, history.size() - 1));
                reported.add(last.withPeers(setup.keep().choose(peers), peers));
                return List.of(TrainedStudent.ofPeers(everyGroup, reported).withSteps(steps(log))).iterator();
            } catch (RuntimeException | Error e) {
                failure = e;
                throw e;
            } finally {
                release(network, failure);
                for (Model student : everyGroup) {
                    release(student, failure);
                }
            }
        }
    }

    private Evaluator evaluator(TeacherEnsemble ensemble) {
        Examples heldOut = setup.heldOut().value();
        return ensemble == null ? Evaluator.labelsOnly(heldOut) : Evaluator.withTeacher(heldOut, ensemble);
    }

    private SoftTargetSource targets(TeacherEnsemble ensemble, CachedRows cached, Shard shard) {
        return !setup.distils() ? SoftTargetSource.HARD_LABELS
                : cached != null ? cached.softLabels(ensemble.mixture(), shard) : ensemble;
    }

    /** Where group {@code group}'s first rank checkpoints, or null for nowhere. */
    private Checkpoints checkpoints(int group) {
        return checkpointStore == null ? null : new GroupCheckpoints(checkpointStore, setup.groups()).group(group);
    }

    // The first rank of a resumed run (of each group) continues the checkpoint's training graph; the others take its
    // values from that rank when training starts.
    private List<EpochMetrics> trainLone(DistillationTrainer trainer, Model network, Shard shard,
            Checkpoints checkpoints, Replica replica, int group) {
        return !resume.isEmpty() && replica.leads()
                ? trainer.resume(restoredGraph(group), network, shard, resume.get(group).progress(), checkpoints,
                        replica)
                : trainer.train(network, shard, startingProgress(group), checkpoints, replica);
    }

    private List<EpochMetrics> trainPeers(DistillationTrainer trainer, List<Model> peers, Shard shard,
            Checkpoints checkpoints, Replica replica) {
        return !resume.isEmpty() && replica.leads()
                ? trainer.resumePeers(restoredGraph(0), peers, shard, resume.get(0).progress(), checkpoints, replica)
                : trainer.trainPeers(peers, shard, startingProgress(0), checkpoints, replica);
    }

    /**
     * A new student from the plan's seed, which the trainer gives rank 0's parameters (those of the resume checkpoint
     * on a resumed run).
     *
     * @param largestShard the rows of the largest shard, which fix the steps of the learning-rate schedule
     */
    Model startingStudent(int largestShard) {
        return build(setup.student(), setup.plan().seed(), largestShard);
    }

    /**
     * The lone student, or every peer (peer {@code k} from the plan's seed plus {@code k}, so that peers of one
     * architecture start apart).
     */
    List<Model> startingStudents(int largestShard) {
        if (setup.peers().isEmpty()) {
            return List.of(startingStudent(largestShard));
        }
        List<Model> peers = new ArrayList<>();
        for (int k = 0; k < setup.peers().size(); k++) {
            peers.add(build(setup.peers().get(k), setup.plan().seed() + k, largestShard));
        }
        return List.copyOf(peers);
    }

    private Model build(StudentSpec spec, long seed, int largestShard) {
        TrainingPlan plan = setup.plan();
        return spec.build(setup.info().shape(), setup.info().numClasses(), seed,
                plan.stepsPerEpoch(largestShard) * plan.epochs());
    }

    /**
     * The training graph of group {@code group}'s resume checkpoint, with its updater state, which the group's first
     * rank continues.
     */
    ComputationGraph restoredGraph(int group) {
        return checkpoints(group).restore(resume.get(group));
    }

    /** Where group {@code group}'s training starts: its resume checkpoint's progress, or the first step. */
    TrainingProgress startingProgress(int group) {
        return resume.isEmpty() ? TrainingProgress.START : resume.get(group).progress();
    }

    /** Frees the student's memory; a failure to do so is suppressed into the training failure it follows, if any. */
    private static void release(Model network, Throwable failure) {
        try {
            NetworkMemory.release(network);
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    /**
     * Rank 0's log of its steps and epochs, reported to the driver as they happen (none where no accumulators were
     * given).
     */
    private StepLog log(DistillationTrainer trainer, int largestShard) {
        if (progress == null) {
            return null;
        }
        StepLog log = new StepLog(progress, (long) setup.plan().stepsPerEpoch(largestShard) * setup.plan().epochs());
        trainer.addStepListener(log).addListener(log);
        return log;
    }

    private static List<StepRecord> steps(StepLog log) {
        return log == null ? List.of() : log.records();
    }
}
