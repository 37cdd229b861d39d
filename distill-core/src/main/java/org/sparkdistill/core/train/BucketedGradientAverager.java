package org.sparkdistill.core.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.sparkdistill.core.metrics.CommunicationMeter;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.overlap.BucketedAllReduce;
import org.sparkdistill.gradients.overlap.OverlapSettings;
import org.sparkdistill.gradients.overlap.StepReport;
import org.sparkdistill.gradients.partition.BucketPlan;

/**
 * Replaces each replica's gradient by the mean over all replicas before the updater, sending it in buckets while the
 * backward pass still runs, so the replicas stay identical (synchronous data parallelism) and communication hides
 * behind computation.
 *
 * <p>A {@link BackwardObserver} reports each layer's gradient as final; {@link BucketedAllReduce} sends the buckets
 * and adapts their boundaries. DL4J calls {@link #onGradientCalculation} between the backward pass and the updater;
 * there the step waits for the last bucket. Each step's report, with the updater's time, goes into a
 * {@link CommunicationMeter}.
 */
final class BucketedGradientAverager extends BaseTrainingListener implements BackwardListener, AutoCloseable {
    private final BackwardObserver observer;
    private final BucketedAllReduce exchange;
    private final CommunicationMeter meter;
    private final Communicator group;
    private long sentBeforeEpoch;
    private StepReport lastStep;
    private long averagedNanos;

    private BucketedGradientAverager(Model student, Communicator group, OverlapSettings settings) {
        this.observer = BackwardObserver.attach(student, this);
        BucketedAllReduce started;
        try {
            started = BucketedAllReduce.start(group, observer.layout(), observer.flatGradient(), settings);
        } catch (RuntimeException e) {
            observer.close();
            throw e;
        }
        this.exchange = started;
        this.meter = new CommunicationMeter(group.size());
        this.group = group;
        this.sentBeforeEpoch = group.bytesSent();
    }

    /** Attaches to {@code student}; every replica of {@code group} must attach at the same point. */
    static BucketedGradientAverager attach(Model student, Communicator group, OverlapSettings settings) {
        return new BucketedGradientAverager(student, group, settings);
    }

    /** Call before each optimizer step. */
    void beginStep(long step) {
        exchange.beginStep(step);
    }

    /** The bucket plan in force: from {@link #beginStep} on, the one that step uses. */
    BucketPlan plan() {
        return exchange.plan();
    }

    @Override
    public void backwardStarted(long nanoTime) {
        exchange.backwardStarted(nanoTime);
    }

    @Override
    public void layerReady(int k, long nanoTime) {
        exchange.layerReady(k, nanoTime);
    }

    @Override
    public void onGradientCalculation(Model model) {
        lastStep = exchange.finishStep();
        averagedNanos = System.nanoTime();
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (lastStep != null) {
            meter.add(lastStep, (System.nanoTime() - averagedNanos) / 1e9);
            lastStep = null;
        }
    }

    /** The steps since the last call, summed; null if there were none. */
    CommunicationMetrics takeEpochMetrics() {
        CommunicationMetrics metrics = meter.summary();
        meter.reset();
        long sent = group.bytesSent();
        long sentInEpoch = sent - sentBeforeEpoch;
        sentBeforeEpoch = sent;
        return metrics == null ? null : metrics.withTraffic((double) sentInEpoch / metrics.steps(), 0);
    }

    /** Detaches from the student and stops the communication thread. */
    @Override
    public void close() {
        // Closes the exchange, then the observer, and suppresses a second failure into the first.
        try (BackwardObserver detaching = observer; BucketedAllReduce stopping = exchange) {
            // nothing to do but close
        }
    }
}
