package org.sparkdistill.gradients.partition;

/**
 * The predicted schedule of a bucket plan: when each bucket's all-reduce starts and ends, and how much of the
 * communication is left exposed after the backward pass (the tail).
 *
 * <p>Time 0 is the start of the backward pass. Layer {@code k}'s gradient is final at {@code T_k}, the sum of the
 * backward times of layers {@code 0..k}. Bucket {@code b} is ready when its last layer is final; one communication
 * thread sends the buckets in order, so bucket {@code b} starts at the later of its ready time and the end of bucket
 * {@code b-1}, and takes {@link CostModel#seconds(long)} of its bytes. The tail is the end of the last bucket minus
 * {@code T_{L-1}}, the end of the backward pass; it is never negative, as the last bucket cannot start before the
 * backward pass ends. The model follows Shi, Chu and Li, "MG-WFBP: Efficient Data Communication for Distributed
 * Synchronous SGD Algorithms", IEEE INFOCOM 2019.
 *
 * <p>Every planner computes its predictions with {@link #readyTimes} and {@link #finish}, so a plan's predicted tail
 * is the same number, to the last bit, whichever class computes it. Immutable.
 */
public final class Timeline {
    private final BucketPlan plan;
    private final double[] ready;
    private final double[] start;
    private final double[] end;
    private final double[] duration;
    private final double backwardEnd;

    private Timeline(BucketPlan plan, double[] ready, double[] start, double[] end, double[] duration,
            double backwardEnd) {
        this.plan = plan;
        this.ready = ready;
        this.start = start;
        this.end = end;
        this.duration = duration;
        this.backwardEnd = backwardEnd;
    }

    /**
     * The predicted schedule of {@code plan} over {@code layout}.
     *
     * @param backwardSeconds the backward time of each layer, in backward order
     * @throws IllegalArgumentException if the plan does not cover the layout's layers, or a backward time is missing,
     *         negative or not finite
     */
    public static Timeline of(GradientLayout layout, BucketPlan plan, double[] backwardSeconds, CostModel cost) {
        if (plan.layers() != layout.layers()) {
            throw new IllegalArgumentException("plan " + plan + " covers " + plan.layers() + " layers but the layout has "
                    + layout.layers());
        }
        double[] layerReady = readyTimes(layout, backwardSeconds);
        int buckets = plan.buckets();
        double[] ready = new double[buckets];
        double[] start = new double[buckets];
        double[] end = new double[buckets];
        double[] duration = new double[buckets];
        double previousEnd = 0;
        for (int b = 0; b < buckets; b++) {
            ready[b] = layerReady[plan.last(b)];
            start[b] = Math.max(previousEnd, ready[b]);
            duration[b] = cost.seconds(layout.rangeBytes(plan.first(b), plan.last(b)));
            end[b] = finish(previousEnd, ready[b], duration[b]);
            previousEnd = end[b];
        }
        return new Timeline(plan, ready, start, end, duration, layerReady[layerReady.length - 1]);
    }

    /**
     * The time at which each layer's gradient is final: {@code T_k = backwardSeconds[0] + ... + backwardSeconds[k]}.
     *
     * @throws IllegalArgumentException if there is not one finite, non-negative time per layer of {@code layout}
     */
    static double[] readyTimes(GradientLayout layout, double[] backwardSeconds) {
        BackwardTimes.requireValid("backwardSeconds", backwardSeconds, layout.layers());
        double[] ready = new double[backwardSeconds.length];
        double sum = 0;
        for (int k = 0; k < ready.length; k++) {
            sum += backwardSeconds[k];
            ready[k] = sum;
        }
        return ready;
    }

    /**
     * When a bucket finishes that is ready at {@code ready}, takes {@code seconds} to send, and follows a bucket that
     * ends at {@code previousEnd} (0 for the first bucket).
     */
    static double finish(double previousEnd, double ready, double seconds) {
        return Math.max(previousEnd, ready) + seconds;
    }

    /** The plan this timeline predicts. */
    public BucketPlan plan() {
        return plan;
    }

    public int buckets() {
        return end.length;
    }

    /** When bucket {@code b}'s last layer is final, in seconds from the start of the backward pass. */
    public double readySeconds(int b) {
        return ready[b];
    }

    /** When bucket {@code b}'s all-reduce starts. */
    public double startSeconds(int b) {
        return start[b];
    }

    /** When bucket {@code b}'s all-reduce ends. */
    public double endSeconds(int b) {
        return end[b];
    }

    /** When the backward pass ends: the time the last layer's gradient is final. */
    public double backwardEndSeconds() {
        return backwardEnd;
    }

    /** When the last all-reduce ends. */
    public double finishSeconds() {
        return end[end.length - 1];
    }

    /** The communication left after the backward pass ends: the time the step waits for gradients. */
    public double tailSeconds() {
        return Math.max(0, finishSeconds() - backwardEnd);
    }

    /** The sum of all buckets' all-reduce times, hidden or not. */
    public double communicationSeconds() {
        double total = 0;
        for (double seconds : duration) {
            total += seconds;
        }
        return total;
    }

    @Override
    public String toString() {
        return "Timeline" + plan + " tail " + tailSeconds() + " s of " + communicationSeconds() + " s communication";
    }
}
