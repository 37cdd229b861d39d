package org.sparkdistill.gradients.partition;

import java.util.ArrayList;
import java.util.List;

/**
 * The greedy merge of Shi, Chu and Li, "MG-WFBP: Efficient Data Communication for Distributed Synchronous SGD
 * Algorithms", IEEE INFOCOM 2019.
 *
 * <p>Walking the layers in backward order, the next layer joins the open bucket when the open bucket's all-reduce
 * would start less than one latency {@code alpha} before the next layer is final, that is when
 * {@code start(open bucket) > T_next - alpha}: waiting for the next layer then costs less than the extra latency of
 * sending it on its own. Otherwise the open bucket is closed and the next layer opens a new one. Start times come
 * from the same model as {@link Timeline}. One pass, O(L).
 */
public record MgWfbpPolicy() implements PartitionPolicy {
    public static final String NAME = "mgwfbp";

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
        List<Integer> ends = new ArrayList<>();
        int first = 0;
        double previousEnd = 0;
        double start = Math.max(previousEnd, ready[0]);
        for (int next = 1; next < layers; next++) {
            if (start > ready[next] - cost.alphaSeconds()) {
                start = Math.max(start, ready[next]);
            } else {
                previousEnd = Timeline.finish(previousEnd, ready[next - 1],
                        cost.seconds(layout.rangeBytes(first, next - 1)));
                ends.add(next);
                first = next;
                start = Math.max(previousEnd, ready[next]);
            }
        }
        ends.add(layers);
        return BucketPlan.ofEnds(ends.stream().mapToInt(Integer::intValue).toArray());
    }
}
