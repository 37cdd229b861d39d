package org.sparkdistill.gradients.overlap;

import java.util.Arrays;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.partition.BackwardProfile;
import org.sparkdistill.gradients.partition.BucketPlan;
import org.sparkdistill.gradients.partition.CostModel;
import org.sparkdistill.gradients.partition.CostModelFit;
import org.sparkdistill.gradients.partition.GradientLayout;
import org.sparkdistill.gradients.partition.Replanner;
import org.sparkdistill.gradients.partition.Timeline;

/**
 * Averages a replica's gradient over its group step by step, in buckets that overlap the backward pass, and adapts
 * the bucket plan to what it measures.
 *
 * <p>It measures each layer's backward time ({@link BackwardProfile}) and each all-reduce
 * ({@link CostModelFit}, seeded by a {@link Calibration} of the ring when it starts). At re-planning steps rank 0
 * asks its {@link Replanner} for a plan from its own measurements and sends it to every rank, so all switch at the
 * same step. Driven by one training thread: {@link #beginStep}, then {@link #backwardStarted} and
 * {@link #layerReady} from the backward pass, then {@link #finishStep} before the updater.
 */
public final class BucketedAllReduce implements AutoCloseable {
    private static final CostModel UNMEASURED = new CostModel(0, 0);

    private final Communicator group;
    private final GradientLayout layout;
    private final BucketScheduler scheduler;
    private final BackwardProfile profile;
    private final CostModelFit costFit;
    private final Replanner replanner;
    private final long[] readyNanos;
    private final INDArray localTail;
    private final INDArray allTails;
    private CostModel cost;
    private long stepStartNanos;
    private long backwardStartNanos;

    private BucketedAllReduce(Communicator group, GradientLayout layout, INDArray gradient, OverlapSettings settings,
            CostModelFit costFit) {
        this.group = group;
        this.layout = layout;
        this.costFit = costFit;
        this.cost = costFit.fit().orElse(UNMEASURED);
        this.profile = new BackwardProfile(layout.layers());
        BucketPlan first = PlanMessage.agree(group,
                settings.policy().plan(layout, new double[layout.layers()], cost), layout.layers());
        this.replanner = new Replanner(settings.policy(), layout, first, settings.replan());
        this.scheduler = new BucketScheduler(group, layout, gradient, first);
        this.readyNanos = new long[layout.layers()];
        this.localTail = Nd4j.zeros(DataType.DOUBLE, 1);
        this.allTails = Nd4j.zeros(DataType.DOUBLE, group.size());
    }

    /**
     * Calibrates the ring, agrees on a first plan and starts the communication thread; every rank of {@code group}
     * must call this at the same point.
     *
     * @param gradient the flat gradient, laid out as {@code layout} says
     */
    public static BucketedAllReduce start(Communicator group, GradientLayout layout, INDArray gradient,
            OverlapSettings settings) {
        CostModelFit fit = new CostModelFit();
        Calibration.measure(group, layout.rangeBytes(0, layout.layers() - 1), gradient.dataType(), fit);
        return new BucketedAllReduce(group, layout, gradient, settings, fit);
    }

    /** The plan in force. */
    public BucketPlan plan() {
        return scheduler.plan();
    }

    /** The cost model fitted so far (rank 0's is the one that plans). */
    public CostModel cost() {
        return cost;
    }

    /** Starts step {@code step}; at a re-planning step every rank takes the plan rank 0 chose. */
    public void beginStep(long step) {
        if (replanner.replansAt(step)) {
            BucketPlan proposed = group.rank() == 0 && profile.steps() > 0
                    ? replanner.onStep(step, profile.seconds(), cost).map(Replanner.Decision::plan)
                            .orElse(scheduler.plan())
                    : scheduler.plan();
            BucketPlan agreed = PlanMessage.agree(group, proposed, layout.layers());
            if (!agreed.equals(scheduler.plan())) {
                scheduler.setPlan(agreed);
            }
        }
        scheduler.beginStep();
        stepStartNanos = System.nanoTime();
        backwardStartNanos = 0;
        Arrays.fill(readyNanos, 0);
    }

    /** The backward pass starts. */
    public void backwardStarted(long nanoTime) {
        backwardStartNanos = nanoTime;
    }

    /** Layer {@code k} (backward order) has its final gradient. */
    public void layerReady(int k, long nanoTime) {
        readyNanos[k] = nanoTime;
        scheduler.layerReady(k);
    }

    /**
     * Waits for every bucket, leaves the mean gradient in place and reports the step; call before the updater.
     */
    public StepReport finishStep() {
        long finishCalled = System.nanoTime();
        BucketPlan plan = scheduler.plan();
        BucketTimes times = scheduler.finishStep();
        boolean observed = backwardStartNanos != 0 && readyNanos[layout.layers() - 1] != 0;
        long backwardStart = observed ? backwardStartNanos : stepStartNanos;
        long backwardEnd = observed ? readyNanos[layout.layers() - 1] : finishCalled;
        double[] layerSeconds = observed ? layerSeconds() : new double[layout.layers()];
        // The tail the planner expects of this plan, from what was measured before this step.
        Timeline predicted = Timeline.of(layout, plan, profile.steps() > 0 ? profile.seconds() : layerSeconds, cost);
        if (observed) {
            profile.record(layerSeconds);
        }
        for (int b = 0; b < plan.buckets(); b++) {
            if (times.bytes()[b] > 0) {
                costFit.record(times.bytes()[b], times.seconds(b));
            }
        }
        Optional<CostModel> refit = costFit.fit();
        refit.ifPresent(model -> cost = model);
        double tail = Math.max(0, times.lastEndNanos() - backwardEnd) / 1e9;
        double communication = times.totalSeconds();
        double busFactor = group.size() > 1 ? 2.0 * (group.size() - 1) / group.size() : 0;
        return new StepReport((backwardStart - stepStartNanos) / 1e9, (backwardEnd - backwardStart) / 1e9,
                communication, times.cpuSeconds(), times.secondsAfter(backwardEnd), tail, groupTail(tail),
                times.totalBytes(),
                communication > 0 ? busFactor * times.totalBytes() / communication : Double.NaN, plan,
                predicted.tailSeconds(), predicted.communicationSeconds());
    }

    /** The smallest of all ranks' tails: every rank's, once the last rank has finished its backward pass. */
    private double groupTail(double tail) {
        if (group.size() == 1) {
            return tail;
        }
        localTail.putScalar(0, tail);
        group.allGather(localTail, allTails);
        return allTails.minNumber().doubleValue();
    }

    private double[] layerSeconds() {
        double[] seconds = new double[layout.layers()];
        long previous = backwardStartNanos;
        for (int k = 0; k < seconds.length; k++) {
            seconds[k] = Math.max(0, readyNanos[k] - previous) / 1e9;
            previous = readyNanos[k];
        }
        return seconds;
    }

    /** Stops the communication thread and frees the tail buffers, even if stopping the thread fails. */
    @Override
    public void close() {
        try (INDArray local = localTail; INDArray all = allTails) {
            scheduler.close();
        }
    }
}
