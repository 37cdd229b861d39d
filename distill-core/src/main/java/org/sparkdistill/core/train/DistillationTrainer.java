package org.sparkdistill.core.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.BatchBuffers;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.InMemoryShard;
import org.sparkdistill.core.data.MiniBatch;
import org.sparkdistill.core.data.Pipeline;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.loss.KnowledgeDistillationLoss;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.teacher.SoftTargetSource;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.KeepAlive;

/**
 * Trains a student towards soft targets: per batch, teacher targets, then one optimizer step on the KD loss.
 *
 * <p>Every random choice derives from the plan's seed: the batch order of epoch {@code e} from (seed, rank, e), in
 * the shard's {@link org.sparkdistill.core.data.ShuffleOrder shuffle order} whether it is held in memory or spilled,
 * the ND4J generator of step {@code s} from (seed, s). A run resumed from a {@link Checkpoints checkpoint} therefore takes the
 * same steps as an uninterrupted one. Not thread-safe; one trainer trains one student at a time.
 */
public final class DistillationTrainer {
    /** Separates the random streams of different replicas; rank 0 uses the plan's seed unchanged. */
    private static final long SHARD_SEED_STRIDE = 0x9E3779B97F4A7C15L;
    private static final LossMCXENT HARD_LABEL_LOSS = new LossMCXENT();

    private final TrainingPlan plan;
    private final SoftTargetSource targets;
    private final Evaluator evaluator;
    private final List<EpochListener> listeners = new ArrayList<>();

    public DistillationTrainer(TrainingPlan plan, SoftTargetSource targets, Evaluator evaluator) {
        this.plan = plan;
        this.targets = targets;
        this.evaluator = evaluator;
    }

    public DistillationTrainer addListener(EpochListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Trains from the first step; see {@link #train(MultiLayerNetwork, Examples, TrainingProgress, Checkpoints)}. */
    public List<EpochMetrics> train(MultiLayerNetwork student, Examples data) {
        return train(student, data, TrainingProgress.START, null);
    }

    /**
     * Trains {@code student} in place on {@code data} from {@code from} to the end of the plan.
     *
     * <p>On return the student's output layer carries plain cross-entropy again, so the network saves and loads as
     * an ordinary DL4J classifier.
     *
     * @param from where to start: {@link TrainingProgress#START} or a checkpoint's progress
     * @param checkpoints where to checkpoint every {@code plan.checkpointEvery()} steps, or null for nowhere
     * @return the metrics of every epoch: those {@code from} carries, then each epoch finished by this call
     */
    public List<EpochMetrics> train(MultiLayerNetwork student, Examples data, TrainingProgress from,
            Checkpoints checkpoints) {
        return train(student, InMemoryShard.of(data), from, checkpoints);
    }

    /** Trains alone on a shard held in memory or spilled; the shard stays open. */
    public List<EpochMetrics> train(MultiLayerNetwork student, Shard data, TrainingProgress from,
            Checkpoints checkpoints) {
        return train(student, data, from, checkpoints, Replica.alone(Math.max(1, data.size())));
    }

    /**
     * Trains as a replica from a bare position, with no earlier metrics to report; see
     * {@link #train(MultiLayerNetwork, Examples, TrainingProgress, Checkpoints, Replica)}.
     */
    public List<EpochMetrics> train(MultiLayerNetwork student, Examples data, TrainingState from, Checkpoints checkpoints,
            Replica replica) {
        return train(student, data, TrainingProgress.of(from), checkpoints, replica);
    }

    /**
     * Trains {@code student} as one of several data-parallel replicas, each on its own shard {@code data}.
     *
     * <p>Every replica first takes rank 0's parameters and updater state, then all take the same number of steps,
     * averaging gradients before each update, so they stay identical. Only rank 0 evaluates, checkpoints and returns
     * metrics; the other ranks return an empty history.
     *
     * <p>A checkpoint due at the last step of an epoch is written after that epoch's evaluation, so that it carries the
     * epoch's metrics: resuming from the checkpoint of the final step then only returns the history.
     */
    public List<EpochMetrics> train(MultiLayerNetwork student, Examples data, TrainingProgress from,
            Checkpoints checkpoints, Replica replica) {
        return train(student, InMemoryShard.of(data), from, checkpoints, replica);
    }

    /**
     * Trains {@code student} as one of several data-parallel replicas on its shard, held in memory or spilled; see
     * {@link #train(MultiLayerNetwork, Examples, TrainingProgress, Checkpoints, Replica)}. The shard stays open.
     */
    public List<EpochMetrics> train(MultiLayerNetwork student, Shard data, TrainingProgress from,
            Checkpoints checkpoints, Replica replica) {
        if (data.size() == 0) {
            throw new InvalidInputException("training data '" + data.name() + "' has no examples");
        }
        Networks.requireShape(student, "student", data.featureCount(), data.numClasses());
        List<EpochMetrics> history = new ArrayList<>(replica.leads() ? from.history() : List.of());
        Collection<TrainingListener> ownListeners = new ArrayList<>(student.getListeners());
        BucketedGradientAverager averager = null;
        if (replica.group() != null) {
            synchronize(student, replica.group(), from.state());
            averager = BucketedGradientAverager.attach(student, replica.group(), replica.exchange());
            student.addListeners(averager);
        }
        // A failure to stop the exchange is suppressed into the training failure it follows, never hiding it.
        try (BucketedGradientAverager exchanging = averager) {
            try {
                trainEpochs(student, data, from, checkpoints, replica, averager, history);
            } finally {
                student.setListeners(ownListeners);
            }
        }
        Networks.setLoss(student, HARD_LABEL_LOSS);
        return history;
    }

    private void trainEpochs(MultiLayerNetwork student, Shard data, TrainingProgress from, Checkpoints checkpoints,
            Replica replica, BucketedGradientAverager averager, List<EpochMetrics> history) {
        int stepsPerEpoch = plan.stepsPerEpoch(replica.largestShard());
        long totalSteps = (long) stepsPerEpoch * plan.epochs();
        long started = System.nanoTime();
        long step = from.state().step();
        boolean checkpointing = replica.leads() && checkpoints != null && plan.checkpointEvery() > 0;
        try (BatchBuffers buffers = new BatchBuffers(data.featureCount(), data.numClasses())) {
            StudentInputs inputs = new StudentInputs(data, plan, totalSteps, targets, buffers);
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
                        try {
                            lossSum += step(student, batch, replica.rank(), averager);
                        } finally {
                            batch.release();
                        }
                        step++;
                        int nextBatch = batch.request().batch() + 1;
                        if (checkpointing && step % plan.checkpointEvery() == 0 && nextBatch < stepsPerEpoch) {
                            // The other replicas wait on rank 0 in the next step's exchange meanwhile.
                            try (KeepAlive saving = replica.keepAlive("checkpoint")) {
                                checkpoints.save(student, new TrainingProgress(new TrainingState(step, epoch,
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
                        EpochMetrics evaluated = evaluator.evaluate(student, epoch + 1, step, meanLoss,
                                (System.nanoTime() - started) / 1e9);
                        EpochMetrics metrics = (averager == null ? evaluated
                                : evaluated.withCommunication(averager.takeEpochMetrics())).withPipeline(pipelineTimes);
                        history.add(metrics);
                        listeners.forEach(listener -> listener.onEpoch(metrics));
                        if (checkpointing && step % plan.checkpointEvery() == 0) {
                            checkpoints.save(student, new TrainingProgress(new TrainingState(step, epoch + 1, 0), 0,
                                    history), plan.seed());
                        }
                    }
                }
            }
        }
    }

    /**
     * Gives every replica rank 0's parameters and updater state, and the iteration count of {@code from}, on which
     * DL4J's learning-rate schedules depend.
     */
    private static void synchronize(MultiLayerNetwork student, Communicator group, TrainingState from) {
        student.getLayerWiseConfigurations().setIterationCount(Math.toIntExact(from.step()));
        group.broadcast(student.params(), 0);
        INDArray updaterState = student.getUpdater().getStateViewArray();
        if (updaterState != null) {
            group.broadcast(updaterState, 0);
        }
    }

    /** One optimizer step on a prepared batch: forward, KD loss at the batch's T and α, backward and update. */
    private double step(MultiLayerNetwork student, MiniBatch batch, int rank, BucketedGradientAverager averager) {
        long step = batch.request().step();
        // Reseeding per step makes stochastic layers (dropout, noise) independent of where a run was resumed.
        Nd4j.getRandom().setSeed(plan.seed() * 1_000_003L + step + SHARD_SEED_STRIDE * rank);
        Networks.setLoss(student, batch.alpha() == 0 ? HARD_LABEL_LOSS
                : new KnowledgeDistillationLoss(batch.temperature(), batch.alpha()));
        if (averager != null) {
            averager.beginStep(step);
        }
        student.fit(new DataSet(batch.features(), batch.targets()));
        return student.score();
    }
}
