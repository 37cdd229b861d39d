package org.sparkdistill.gradients.partition;

/**
 * The best plan by trying all {@code 2^(L-1)} partitions, under the rule {@link AdaptivePolicy} documents: the
 * earliest end of the last all-reduce, then the fewest buckets, then, from the last bucket backwards, the later start
 * of each bucket and the earlier end of the bucket before it.
 */
final class ExhaustiveSearch {
    private ExhaustiveSearch() {
    }

    /** The timeline of the best plan whose buckets all hold at least {@code minBytes}, or of the one-bucket plan. */
    static Timeline best(GradientLayout layout, double[] backward, CostModel cost, long minBytes) {
        int layers = layout.layers();
        Timeline best = null;
        for (int cuts = 0; cuts < 1 << (layers - 1); cuts++) {
            BucketPlan plan = BucketPlan.ofEnds(ends(cuts, layers));
            if (plan.buckets() > 1 && !allAtLeast(layout, plan, minBytes)) {
                continue;
            }
            Timeline candidate = Timeline.of(layout, plan, backward, cost);
            if (best == null || compare(candidate, best) < 0) {
                best = candidate;
            }
        }
        return best;
    }

    /** Bit {@code k} of {@code cuts} set means a bucket ends after layer {@code k}. */
    private static int[] ends(int cuts, int layers) {
        int[] ends = new int[Integer.bitCount(cuts) + 1];
        int b = 0;
        for (int k = 0; k < layers - 1; k++) {
            if ((cuts & 1 << k) != 0) {
                ends[b++] = k + 1;
            }
        }
        ends[b] = layers;
        return ends;
    }

    private static boolean allAtLeast(GradientLayout layout, BucketPlan plan, long minBytes) {
        for (int b = 0; b < plan.buckets(); b++) {
            if (layout.rangeBytes(plan.first(b), plan.last(b)) < minBytes) {
                return false;
            }
        }
        return true;
    }

    private static int compare(Timeline x, Timeline y) {
        int order = Double.compare(x.finishSeconds(), y.finishSeconds());
        if (order == 0) {
            order = Integer.compare(x.buckets(), y.buckets());
        }
        for (int b = x.buckets() - 1; order == 0 && b > 0; b--) {
            order = Integer.compare(y.plan().first(b), x.plan().first(b));
            if (order == 0) {
                order = Double.compare(x.endSeconds(b - 1), y.endSeconds(b - 1));
            }
        }
        return order;
    }
}
