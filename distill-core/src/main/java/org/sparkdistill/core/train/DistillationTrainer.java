package org.sparkdistill.core.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.BatchBuffers;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.InMemoryShard;
import org.sparkdistill.core.data.MiniBatch;
import org.sparkdistill.core.data.Pipeline;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.metrics.PeerMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.nn.ComputePath;
import org.sparkdistill.core.objective.BatchSignals;
import org.sparkdistill.core.objective.Codistillation;
import org.sparkdistill.core.objective.DistillationObjective;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.objective.TrainingGraph;
import org.sparkdistill.core.optim.FusedStep;
import org.sparkdistill.core.optim.FusedUpdate;
import org.sparkdistill.core.teacher.SoftTargetSource;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.KeepAlive;

/**
 * Trains a student towards its objectives: per batch, the teachers' signals, then one optimizer step of the training
 * graph (the student plus the objectives' heads, see {@link TrainingGraph}).
 *
 * <p>Every random choice derives from the plan's seed: the batch order of epoch {@code e} from (seed, rank, e), in
 * the shard's {@link org.sparkdistill.core.data.ShuffleOrder shuffle order} whether it is held in memory or spilled,
 * the ND4J generator of step {@code s} from (seed, s). A run resumed from a {@link Checkpoints checkpoint} therefore
 * takes the same steps as an uninterrupted one. Not thread-safe; one trainer trains one student at a time.
 */
public final class DistillationTrainer {
    /** Separates the random streams of different replicas; rank 0 uses the plan's seed unchanged. */
    private static final long SHARD_SEED_STRIDE = 0x9E3779B97F4A7C15L;
    private static final Logger LOG = LoggerFactory.getLogger(DistillationTrainer.class);

    private final TrainingPlan plan;
    private final SoftTargetSource targets;
    private final Evaluator evaluator;
    private final List<DistillationObjective> objectives;
    private final List<EpochListener> listeners = new ArrayList<>();
    private final List<StepListener> stepListeners = new ArrayList<>();
    private ComputePath computePath = ComputePath.FAST_WHERE_EXACT;
    private PeerChoice keep = PeerChoice.best();
    private WorkerGroups groups;
    private int exchangeEvery;
    private double codistillationTemperature;

    /** A trainer towards Hinton's distillation loss alone, at the plan's temperature and α. */
    public DistillationTrainer(TrainingPlan plan, SoftTargetSource targets, Evaluator evaluator) {
        this(plan, targets, evaluator, List.of(KnowledgeDistillation.alone()));
    }

    /** A trainer towards {@code objectives}, whose distillation terms follow the plan's temperature and α. */
    public DistillationTrainer(TrainingPlan plan, SoftTargetSource targets, Evaluator evaluator,
            List<? extends DistillationObjective> objectives) {
        this.plan = plan;
        this.targets = targets;
        this.evaluator = evaluator;
        this.objectives = List.copyOf(objectives);
    }

    public DistillationTrainer addListener(EpochListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Tells {@code listener} every step the reporting replica takes, as it takes it. */
    public DistillationTrainer addStepListener(StepListener listener) {
        stepListeners.add(listener);
        return this;
    }

    /** Computes the steps by {@code path}; {@link ComputePath#FAST_WHERE_EXACT} unless told otherwise. */
    public DistillationTrainer computePath(ComputePath path) {
        computePath = path;
        return this;
    }

    /**
     * Where peers train together, which one each epoch's held-out metrics describe and the run keeps; the most accurate
     * unless told otherwise.
     */
    public DistillationTrainer keepPeer(PeerChoice choice) {
        keep = choice;
        return this;
    }

    /**
     * Makes this replica's group one of several that codistil: the replica passed to {@code train} must be a member of
     * {@code groups.group()}, and every {@code exchangeEvery} steps the groups exchange their students' parameters,
     * which a {@link Codistillation codistill} objective then learns from until the next exchange.
     *
     * <p>Each group's first rank checkpoints its group's student (pass it {@link Checkpoints#ofGroup}); checkpoints
     * fall on exchanges, so that a group resumed from one takes the other groups' copies from an exchange at its first
     * step, as the uninterrupted run had them.
     *
     * @throws InvalidInputException naming the values when {@code exchangeEvery} is below 1, the plan's checkpoint
     *     interval is not a multiple of it, or no objective codistils
     */
    public DistillationTrainer codistill(WorkerGroups groups, int exchangeEvery) {
        if (exchangeEvery < 1) {
            throw new InvalidInputException("training.exchangeEvery = " + exchangeEvery + ": groups exchange their "
                    + "parameters every so many steps, at least 1");
        }
        if (plan.checkpointEvery() % exchangeEvery != 0) {
            throw new InvalidInputException(checkpointsOffExchanges(plan.checkpointEvery(), exchangeEvery));
        }
        if (objectives.stream().noneMatch(Codistillation.class::isInstance)) {
            throw new InvalidInputException("training.groups = " + groups.groupCount() + " trains groups that codistil,"
                    + " but distillation.objectives lists no codistill objective to learn from the other groups");
        }
        this.groups = groups;
        this.exchangeEvery = exchangeEvery;
        this.codistillationTemperature = objectives.stream().filter(Codistillation.class::isInstance)
                .map(Codistillation.class::cast).findFirst().orElseThrow().temperature();
        return this;
    }

    /** Why codistillation refuses checkpoints every {@code checkpointEvery} steps: they must fall on exchanges. */
    public static String checkpointsOffExchanges(int checkpointEvery, int exchangeEvery) {
        return "training.checkpointEvery = " + checkpointEvery + " is not a multiple of training.exchangeEvery = "
                + exchangeEvery + ": codistilling groups checkpoint at exchanges, so that a resumed group learns from"
                + " the same copies of the others";
    }

    /** The objectives the student trains towards. */
    public List<DistillationObjective> objectives() {
        return objectives;
    }

    /** Trains from the first step; see {@link #train(Model, Shard, TrainingProgress, Checkpoints, Replica)}. */
    public List<EpochMetrics> train(Model student, Examples data) {
        return train(student, data, TrainingProgress.START, null);
    }

    /** Trains alone; see {@link #train(Model, Shard, TrainingProgress, Checkpoints, Replica)}. */
    public List<EpochMetrics> train(Model student, Examples data, TrainingProgress from, Checkpoints checkpoints) {
        return train(student, InMemoryShard.of(data), from, checkpoints);
    }

    /** Trains alone on a shard held in memory or spilled; the shard stays open. */
    public List<EpochMetrics> train(Model student, Shard data, TrainingProgress from, Checkpoints checkpoints) {
        return train(student, data, from, checkpoints, Replica.alone(Math.max(1, data.size())));
    }

    /**
     * Trains as a replica from a bare position, with no earlier metrics to report; see
     * {@link #train(Model, Shard, TrainingProgress, Checkpoints, Replica)}.
     */
    public List<EpochMetrics> train(Model student, Examples data, TrainingState from, Checkpoints checkpoints,
            Replica replica) {
        return train(student, InMemoryShard.of(data), TrainingProgress.of(from), checkpoints, replica);
    }

    /** Trains as a replica on examples held in memory; see {@link #train(Model, Shard, TrainingProgress, Checkpoints, Replica)}. */
    public List<EpochMetrics> train(Model student, Examples data, TrainingProgress from, Checkpoints checkpoints,
            Replica replica) {
        return train(student, InMemoryShard.of(data), from, checkpoints, replica);
    }

    /**
     * Trains {@code student}, a MultiLayerNetwork or ComputationGraph, in place as one of several data-parallel
     * replicas, each on its own shard, held in memory or spilled; the shard stays open.
     *
     * <p>The student trains inside a new {@link TrainingGraph} whose adapters start from the plan's seed. Every replica
     * first takes rank 0's parameters and updater state, then all take the same number of steps, averaging gradients
     * before each update, so they stay identical (synchronous data parallelism). Only rank 0 evaluates, checkpoints and
     * returns metrics; the other ranks return an empty history. A checkpoint due at the last step of an epoch is
     * written after that epoch's evaluation, so that it carries the epoch's metrics: resuming from the checkpoint of the
     * final step then only returns the history.
     *
     * @param from where to start: {@link TrainingProgress#START}, or a checkpoint's progress on a replica that is not
     *     rank 0 (rank 0 resumes with {@link #resume})
     * @param checkpoints where to checkpoint every {@code plan.checkpointEvery()} steps, or null for nowhere
     * @return the metrics of every epoch: those {@code from} carries, then each epoch finished by this call
     */
    public List<EpochMetrics> train(Model student, Shard data, TrainingProgress from, Checkpoints checkpoints,
            Replica replica) {
        requireExamples(data);
        return trainWithin(TrainingGraph.build(student, data.featureCount(), data.numClasses(), objectives,
                plan.seed(), computePath), data, from, checkpoints, replica);
    }

    /**
     * Trains two or more peer students together in place, each towards every objective (a {@link
     * org.sparkdistill.core.objective.MutualLearning mutual} objective makes them learn from each other), as one
     * training graph whose parameters the replicas exchange as they would a lone student's; otherwise as
     * {@link #train(Model, Shard, TrainingProgress, Checkpoints, Replica)}. Each epoch's metrics hold every peer's
     * held-out metrics, and describe the peer {@link #keepPeer} chooses.
     *
     * @throws InvalidInputException naming the value when there are fewer than two peers, or a peer does not fit the
     *     data or the objectives
     */
    public List<EpochMetrics> trainPeers(List<? extends Model> peers, Shard data, TrainingProgress from,
            Checkpoints checkpoints, Replica replica) {
        requireExamples(data);
        return trainWithin(TrainingGraph.buildPeers(peers, data.featureCount(), data.numClasses(), objectives,
                plan.seed(), computePath), data, from, checkpoints, replica);
    }

    /**
     * Trains peers in place from a checkpoint of their training graph; see {@link #trainPeers} and
     * {@link #resume(ComputationGraph, Model, Shard, TrainingProgress, Checkpoints, Replica)}.
     */
    public List<EpochMetrics> resumePeers(ComputationGraph saved, List<? extends Model> peers, Shard data,
            TrainingProgress from, Checkpoints checkpoints, Replica replica) {
        requireExamples(data);
        return trainWithin(TrainingGraph.resumePeers(saved, peers, data.featureCount(), data.numClasses(), objectives,
                plan.seed()), data, from, checkpoints, replica);
    }

    /**
     * Trains {@code student} in place from a checkpoint: {@code saved} is the checkpoint's training graph (see
     * {@link Checkpoints#restore}), {@code from} its progress; otherwise as
     * {@link #train(Model, Shard, TrainingProgress, Checkpoints, Replica)}.
     *
     * @throws InvalidInputException when {@code saved} was not built for this student and these objectives
     */
    public List<EpochMetrics> resume(ComputationGraph saved, Model student, Shard data, TrainingProgress from,
            Checkpoints checkpoints, Replica replica) {
        requireExamples(data);
        return trainWithin(TrainingGraph.resume(saved, student, data.featureCount(), data.numClasses(), objectives,
                plan.seed()), data, from, checkpoints, replica);
    }

    /** Resumes alone on examples held in memory; see {@link #resume(ComputationGraph, Model, Shard, TrainingProgress, Checkpoints, Replica)}. */
    public List<EpochMetrics> resume(ComputationGraph saved, Model student, Examples data, TrainingProgress from,
            Checkpoints checkpoints) {
        return resume(saved, student, InMemoryShard.of(data), from, checkpoints, Replica.alone(Math.max(1, data.size())));
    }

    private static void requireExamples(Shard data) {
        if (data.size() == 0) {
            throw new InvalidInputException("training data '" + data.name() + "' has no examples");
        }
    }

    /**
     * Trains the student of {@code graph}, writes the result into it, then gives the graph its own listeners back and
     * frees its memory; a failure of that clean-up is suppressed into the training failure it follows, never hiding it.
     */
    private List<EpochMetrics> trainWithin(TrainingGraph graph, Shard data, TrainingProgress from,
            Checkpoints checkpoints, Replica replica) {
        ComputationGraph network = graph.graph();
        List<EpochMetrics> history = new ArrayList<>(replica.leads() ? from.history() : List.of());
        Collection<TrainingListener> ownListeners = new ArrayList<>(network.getListeners());
        // Listeners on the student, such as a step counter, hear the training graph's steps.
        network.addListeners(listenersOf(graph.student()).toArray(TrainingListener[]::new));
        Throwable failure = null;
        try {
            BucketedGradientAverager averager = null;
            if (replica.group() != null) {
                synchronize(network, replica.group(), from.state());
                averager = BucketedGradientAverager.attach(network, replica.group(), replica.exchange());
                network.addListeners(averager);
            }
            // A failure to stop the exchange is suppressed into the training failure it follows, never hiding it.
            try (BucketedGradientAverager exchanging = averager;
                    FusedUpdate update = computePath.fusesUpdate() ? fusedUpdate(network) : null;
                    Codistilling codistilling = groups == null ? null
                            : Codistilling.from(from.state().step(), groups, exchangeEvery, codistillationTemperature,
                                    graph)) {
                trainEpochs(graph, data, from, checkpoints, replica, new StepRunner(averager, update, codistilling),
                        history);
            }
            graph.copyToStudent();
            return history;
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            cleanUp(network, ownListeners, failure);
        }
    }

    /** The fused update of {@code network}'s optimizer, or null (with the reason logged) where it would not be exact. */
    private static FusedUpdate fusedUpdate(ComputationGraph network) {
        Optional<FusedUpdate> update = FusedUpdate.of(network);
        if (update.isEmpty()) {
            LOG.info("the optimizer update runs in DL4J's updater: {}", FusedUpdate.refusal(network).orElse(""));
        }
        return update.orElse(null);
    }

    /**
     * How a step exchanges its gradient and applies its update, and, where groups codistil, the copies of the other
     * groups' students.
     */
    private record StepRunner(BucketedGradientAverager averager, FusedUpdate update, Codistilling codistilling) {
    }

    private static void cleanUp(ComputationGraph network, Collection<TrainingListener> ownListeners,
            Throwable failure) {
        try {
            network.setListeners(ownListeners);
            NetworkMemory.release(network);
        } catch (RuntimeException | Error e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    private static Collection<TrainingListener> listenersOf(Model student) {
        Collection<TrainingListener> listeners = student instanceof MultiLayerNetwork network ? network.getListeners()
                : student instanceof ComputationGraph graph ? graph.getListeners() : null;
        return listeners == null ? List.of() : listeners;
    }

    private void trainEpochs(TrainingGraph graph, Shard data, TrainingProgress from, Checkpoints checkpoints,
            Replica replica, StepRunner runner, List<EpochMetrics> history) {
        BucketedGradientAverager averager = runner.averager();
        int stepsPerEpoch = plan.stepsPerEpoch(replica.largestShard());
        long totalSteps = (long) stepsPerEpoch * plan.epochs();
        long started = System.nanoTime();
        long step = from.state().step();
        boolean checkpointing = replica.leads() && checkpoints != null && plan.checkpointEvery() > 0;
        try (BatchBuffers buffers = new BatchBuffers(data.featureCount(), data.numClasses())) {
            StudentInputs inputs = new StudentInputs(data, plan, totalSteps, targets, buffers, graph);
            for (int epoch = from.state().epoch(); epoch < plan.epochs(); epoch++) {
                long shardSeed = plan.seed() + SHARD_SEED_STRIDE * replica.rank();
                int[] order = data.epochOrder(shardSeed, epoch);
                boolean resumed = epoch == from.state().epoch();
                double lossSum = resumed ? from.epochLossSum() : 0;
                int firstBatch = resumed ? from.state().batch() : 0;
                PipelineMetrics pipelineTimes;
                // One pipeline per epoch: it has drained before the evaluation below uses the teachers, and before
                // the epoch's reader is closed.
                try (Shard.EpochRows rows = data.rows(shardSeed, epoch, firstBatch * plan.batchSize());
                        Pipeline<MiniBatch> batches = inputs.pipeline(StudentInputs.requests(order, epoch, firstBatch,
                                stepsPerEpoch, step, plan.batchSize(), replica.largestShard()), rows)) {
                    for (MiniBatch batch = batches.next(); batch != null; batch = batches.next()) {
                        double loss;
                        try {
                            loss = step(graph, batch, replica.rank(), runner);
                        } finally {
                            batch.release();
                        }
                        lossSum += loss;
                        step++;
                        if (replica.leads()) {
                            for (StepListener listener : stepListeners) {
                                listener.onStep(step, epoch, loss);
                            }
                        }
                        if (runner.codistilling() != null) {
                            runner.codistilling().afterStep(step, graph);
                        }
                        int nextBatch = batch.request().batch() + 1;
                        if (checkpointing && step % plan.checkpointEvery() == 0 && nextBatch < stepsPerEpoch) {
                            // The other replicas wait on rank 0 in the next step's exchange meanwhile.
                            try (KeepAlive saving = replica.keepAlive("checkpoint")) {
                                checkpoints.save(graph.graph(), new TrainingProgress(new TrainingState(step, epoch,
                                        nextBatch), lossSum, history), plan.seed());
                            }
                        }
                    }
                    pipelineTimes = new PipelineMetrics(plan.pipelineDepth(), batches.times());
                }
                if (replica.leads()) {
                    // The other replicas wait on rank 0 in the next step's exchange meanwhile.
                    try (KeepAlive evaluating = replica.keepAlive("evaluation")) {
                        // The mean over every step of the epoch, those before a resume included.
                        double meanLoss = lossSum / stepsPerEpoch;
                        graph.copyToStudent();
                        EpochMetrics evaluated = evaluate(graph, epoch + 1, step, meanLoss,
                                (System.nanoTime() - started) / 1e9);
                        EpochMetrics metrics = (averager == null ? evaluated
                                : evaluated.withCommunication(runner.codistilling() == null
                                        ? averager.takeEpochMetrics()
                                        : runner.codistilling().traffic(averager.takeEpochMetrics())))
                                .withPipeline(pipelineTimes);
                        history.add(metrics);
                        listeners.forEach(listener -> listener.onEpoch(metrics));
                        if (checkpointing && step % plan.checkpointEvery() == 0) {
                            checkpoints.save(graph.graph(), new TrainingProgress(new TrainingState(step, epoch + 1, 0),
                                    0, history), plan.seed());
                        }
                    }
                }
            }
        }
    }

    /** The held-out metrics of the graph's student, or of every peer, described by the kept one. */
    private EpochMetrics evaluate(TrainingGraph graph, int epoch, long step, double meanLoss, double seconds) {
        List<Model> students = graph.students();
        if (students.size() == 1) {
            return evaluator.evaluate(students.get(0), epoch, step, meanLoss, seconds);
        }
        List<EpochMetrics> each = new ArrayList<>();
        List<PeerMetrics> peers = new ArrayList<>();
        for (int k = 0; k < students.size(); k++) {
            each.add(evaluator.evaluate(students.get(k), epoch, step, meanLoss, seconds));
            peers.add(PeerMetrics.of(k, each.get(k)));
        }
        int kept = keep.choose(peers);
        return each.get(kept).withPeers(kept, peers);
    }

    /**
     * Gives every replica rank 0's parameters and updater state, and the iteration count of {@code from}, on which
     * DL4J's learning-rate schedules depend.
     */
    private static void synchronize(ComputationGraph network, Communicator group, TrainingState from) {
        network.getConfiguration().setIterationCount(Math.toIntExact(from.step()));
        group.broadcast(network.params(), 0);
        INDArray updaterState = network.getUpdater().getStateViewArray();
        if (updaterState != null) {
            group.broadcast(updaterState, 0);
        }
    }

    /**
     * One optimizer step on a prepared batch: forward, every head's loss at the batch's signals, backward, gradient
     * exchange and update, fused where it can be.
     */
    private double step(TrainingGraph graph, MiniBatch batch, int rank, StepRunner runner) {
        long step = batch.request().step();
        // Reseeding per step makes stochastic layers (dropout, noise) independent of where a run was resumed.
        Nd4j.getRandom().setSeed(plan.seed() * 1_000_003L + step + SHARD_SEED_STRIDE * rank);
        BatchSignals signals = runner.codistilling() == null ? batch.signals()
                : runner.codistilling().signals(graph, batch.signals(), batch.features());
        MultiDataSet input = graph.dataSet(batch.features(), signals);
        if (runner.averager() != null) {
            runner.averager().beginStep(step);
        }
        if (runner.update() != null) {
            return FusedStep.fit(graph.graph(), runner.update(), input);
        }
        graph.graph().fit(input);
        return graph.graph().score();
    }
}
