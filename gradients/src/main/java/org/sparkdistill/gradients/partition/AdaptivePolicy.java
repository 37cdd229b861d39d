package org.sparkdistill.gradients.partition;

import java.util.ArrayList;
import java.util.List;

/**
 * The plan with the smallest predicted tail, found exactly by a dynamic program over contiguous partitions in
 * backward order.
 *
 * <p>With {@code F(j)} the earliest end of the last all-reduce of any partition of layers {@code 0..j-1},
 * {@code F(j) = min over i < j of max(F(i), T_{j-1}) + C(bytes of layers i..j-1)}, where {@code T_k} is when layer
 * {@code k} is final and {@code C} the {@link CostModel}. The recurrence is exact because a bucket's end is monotone
 * in the end of the bucket before it; {@link Timeline} defines the model and the arithmetic. This is the
 * merged-gradient schedule of Shi, Chu and Li, "MG-WFBP: Efficient Data Communication for Distributed Synchronous SGD
 * Algorithms", IEEE INFOCOM 2019, solved exactly instead of greedily.
 *
 * <p>Every bucket holds at least {@code minBucketBytes} bytes, except that a plan of one bucket is always allowed;
 * layers of length 0 add no bytes, so they may join any bucket. The chosen plan is the one with the earliest end,
 * then the fewest buckets, then the shortest last bucket; the rest of the plan is chosen by the same rule, with "the
 * earliest end" and "the shortest last bucket" applied to the layers before the last bucket for the remaining number
 * of buckets. Ties are decided by exact comparisons, so every rank computes the same plan from the same inputs.
 *
 * <p>To keep "the fewest buckets" exact, the program keeps for each prefix the earliest end for each number of
 * buckets that ends strictly earlier than any plan of that prefix with fewer buckets. The work is O(L^2) times the
 * number of such bucket counts, which is small in practice and at most L.
 *
 * @param minBucketBytes the smallest bucket worth one all-reduce, in bytes; 0 allows any bucket
 */
public record AdaptivePolicy(long minBucketBytes) implements PartitionPolicy {
    public static final String NAME = "adaptive";
    /**
     * 64 KiB: below it an all-reduce over TCP costs about its latency alone, which is where the fitted latency is
     * least certain, so the planner does not bet on many such buckets.
     */
    public static final long DEFAULT_MIN_BUCKET_BYTES = 64L << 10;

    public AdaptivePolicy {
        if (minBucketBytes < 0) {
            throw new IllegalArgumentException("minBucketBytes must be >= 0, not " + minBucketBytes);
        }
    }

    /** The policy with the default minimum bucket size, {@value #DEFAULT_MIN_BUCKET_BYTES} bytes. */
    public AdaptivePolicy() {
        this(DEFAULT_MIN_BUCKET_BYTES);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean adaptive() {
        return true;
    }

    @Override
    public BucketPlan plan(GradientLayout layout, double[] backwardSeconds, CostModel cost) {
        double[] ready = Timeline.readyTimes(layout, backwardSeconds);
        int layers = layout.layers();
        List<List<Prefix>> fronts = new ArrayList<>(layers + 1);
        fronts.add(List.of(Prefix.EMPTY));
        for (int j = 1; j <= layers; j++) {
            fronts.add(front(layout, ready, cost, fronts, j));
        }
        List<Prefix> complete = fronts.get(layers);
        return complete.get(complete.size() - 1).toPlan();
    }

    /**
     * The best partitions of layers {@code 0..j-1}: for each number of buckets, the best one, kept only if it ends
     * strictly earlier than every kept partition with fewer buckets. Sorted by number of buckets.
     */
    private List<Prefix> front(GradientLayout layout, double[] ready, CostModel cost, List<List<Prefix>> fronts, int j) {
        Prefix[] best = new Prefix[j + 1];
        for (int i = 0; i < j; i++) {
            if (!allowed(layout, i, j)) {
                continue;
            }
            double seconds = cost.seconds(layout.rangeBytes(i, j - 1));
            for (Prefix before : fronts.get(i)) {
                double end = Timeline.finish(before.end, ready[j - 1], seconds);
                int buckets = before.buckets + 1;
                Prefix incumbent = best[buckets];
                // i grows, so on an equal end the later start, the shorter last bucket, wins.
                if (incumbent == null || end <= incumbent.end) {
                    best[buckets] = new Prefix(before, j, buckets, end);
                }
            }
        }
        List<Prefix> kept = new ArrayList<>();
        for (Prefix candidate : best) {
            if (candidate != null && (kept.isEmpty() || candidate.end < kept.get(kept.size() - 1).end)) {
                kept.add(candidate);
            }
        }
        return kept;
    }

    /** Whether layers {@code i..j-1} may form a bucket. */
    private boolean allowed(GradientLayout layout, int i, int j) {
        boolean wholeGradient = i == 0 && j == layout.layers();
        return wholeGradient || layout.rangeBytes(i, j - 1) >= minBucketBytes;
    }

    /** A partition of the first {@code layers} layers into {@code buckets} buckets whose last all-reduce ends at {@code end}. */
    private static final class Prefix {
        static final Prefix EMPTY = new Prefix(null, 0, 0, 0);

        final Prefix before;
        final int layers;
        final int buckets;
        final double end;

        Prefix(Prefix before, int layers, int buckets, double end) {
            this.before = before;
            this.layers = layers;
            this.buckets = buckets;
            this.end = end;
        }

        BucketPlan toPlan() {
            int[] ends = new int[buckets];
            Prefix p = this;
            for (int b = buckets - 1; b >= 0; b--) {
                ends[b] = p.layers;
                p = p.before;
            }
            return BucketPlan.ofEnds(ends);
        }
    }
}
