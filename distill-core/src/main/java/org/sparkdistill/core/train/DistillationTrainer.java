package org.sparkdistill.core.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.loss.KnowledgeDistillationLoss;
import org.sparkdistill.core.loss.SoftTargets;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.teacher.SoftTargetSource;

/**
 * Trains a student towards soft targets: per batch, teacher targets, then one optimizer step on the KD loss.
 *
 * <p>Every random choice derives from the plan's seed: the batch order of epoch {@code e} from (seed, e), the ND4J
 * generator of step {@code s} from (seed, s). A run resumed from a {@link Checkpoints checkpoint} therefore takes the
 * same steps as an uninterrupted one. Not thread-safe; one trainer trains one student at a time.
 */
public final class DistillationTrainer {
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

    /** Trains from the first step; see {@link #train(MultiLayerNetwork, Examples, TrainingState, Checkpoints)}. */
    public List<EpochMetrics> train(MultiLayerNetwork student, Examples data) {
        return train(student, data, TrainingState.START, null);
    }

    /**
     * Trains {@code student} in place on {@code data} from {@code from} to the end of the plan.
     *
     * <p>On return the student's output layer carries plain cross-entropy again, so the network saves and loads as
     * an ordinary DL4J classifier.
     *
     * @param checkpoints where to checkpoint every {@code plan.checkpointEvery()} steps, or null for nowhere
     * @return the metrics of each epoch finished by this call
     */
    public List<EpochMetrics> train(MultiLayerNetwork student, Examples data, TrainingState from, Checkpoints checkpoints) {
        if (data.size() == 0) {
            throw new InvalidInputException("training data '" + data.name() + "' has no examples");
        }
        Networks.requireShape(student, "student", data.featureCount(), data.numClasses());
        int stepsPerEpoch = plan.stepsPerEpoch(data.size());
        long totalSteps = (long) stepsPerEpoch * plan.epochs();
        long started = System.nanoTime();
        long step = from.step();
        List<EpochMetrics> history = new ArrayList<>();
        for (int epoch = from.epoch(); epoch < plan.epochs(); epoch++) {
            int[] order = Batches.epochOrder(plan.seed(), epoch, data.size());
            double lossSum = 0;
            int firstBatch = epoch == from.epoch() ? from.batch() : 0;
            for (int batch = firstBatch; batch < stepsPerEpoch; batch++) {
                int start = batch * plan.batchSize();
                int end = Math.min(data.size(), start + plan.batchSize());
                lossSum += step(student, Batches.features(data, order, start, end), Batches.oneHot(data, order, start, end),
                        step, totalSteps);
                step++;
                if (checkpoints != null && plan.checkpointEvery() > 0 && step % plan.checkpointEvery() == 0) {
                    checkpoints.save(student, nextPosition(step, epoch, batch + 1, stepsPerEpoch), plan.seed());
                }
            }
            double meanLoss = lossSum / Math.max(1, stepsPerEpoch - firstBatch);
            EpochMetrics metrics = evaluator.evaluate(student, epoch + 1, step, meanLoss, (System.nanoTime() - started) / 1e9);
            history.add(metrics);
            listeners.forEach(listener -> listener.onEpoch(metrics));
        }
        Networks.setLoss(student, new LossMCXENT());
        return history;
    }

    /** One optimizer step: soft targets from the teachers, then forward, KD loss, backward and update. */
    private double step(MultiLayerNetwork student, INDArray features, INDArray hardLabels, long step, long totalSteps) {
        double temperature = plan.temperature().valueAt(step, totalSteps);
        double alpha = plan.alpha().valueAt(step, totalSteps);
        INDArray soft = targets.softTargets(features, hardLabels, temperature);
        Networks.setLoss(student, new KnowledgeDistillationLoss(temperature, alpha));
        // Reseeding per step makes stochastic layers (dropout, noise) independent of where a run was resumed.
        Nd4j.getRandom().setSeed(plan.seed() * 1_000_003L + step);
        student.fit(new DataSet(features, SoftTargets.pack(hardLabels, soft)));
        return student.score();
    }

    private static TrainingState nextPosition(long step, int epoch, int nextBatch, int stepsPerEpoch) {
        return nextBatch == stepsPerEpoch ? new TrainingState(step, epoch + 1, 0) : new TrainingState(step, epoch, nextBatch);
    }
}
