package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The predicted schedule on a hand-computed example, and the inputs it refuses. */
class TimelineTest {
    /** Layer bytes 1024, 0, 2048 and 1024: at 1/1024 s per byte and 0.5 s latency, all-reduces of 1.5, 0.5, 2.5, 1.5 s. */
    private static final GradientLayout LAYOUT = GradientLayout.ofBackwardLengths(new long[] {256, 0, 512, 256}, 4);
    private static final CostModel COST = new CostModel(0.5, 1.0 / 1024);
    private static final double[] BACKWARD = {1, 0.5, 0.5, 2.5};

    /**
     * Layers are final at 1, 1.5, 2 and 4.5. Bucket [0] is ready at 1 and runs 1 to 2.5; bucket [1-2] is ready at 2
     * but waits for the link until 2.5, and runs to 5; bucket [3] is ready at 4.5 and waits again until 5, ending at
     * 6.5: a tail of 2 s after the backward pass ends at 4.5.
     */
    @Test
    void predictsStartsEndsAndTheTail() {
        Timeline t = Timeline.of(LAYOUT, BucketPlan.ofEnds(1, 3, 4), BACKWARD, COST);

        assertEquals(3, t.buckets());
        assertEquals(1, t.readySeconds(0));
        assertEquals(1, t.startSeconds(0));
        assertEquals(2.5, t.endSeconds(0));
        assertEquals(2, t.readySeconds(1));
        assertEquals(2.5, t.startSeconds(1));
        assertEquals(5, t.endSeconds(1));
        assertEquals(4.5, t.readySeconds(2));
        assertEquals(5, t.startSeconds(2));
        assertEquals(6.5, t.endSeconds(2));
        assertEquals(4.5, t.backwardEndSeconds());
        assertEquals(6.5, t.finishSeconds());
        assertEquals(2, t.tailSeconds());
        assertEquals(1.5 + 2.5 + 1.5, t.communicationSeconds());
    }

    @Test
    void aFusedPlanExposesAllOfItsCommunication() {
        Timeline t = Timeline.of(LAYOUT, BucketPlan.fused(4), BACKWARD, COST);
        assertEquals(4.5, t.startSeconds(0));
        assertEquals(t.communicationSeconds(), t.tailSeconds());
        assertEquals(0.5 + 4096.0 / 1024, t.tailSeconds());
    }

    @Test
    void aFreeEmptyLastBucketLeavesNoTail() {
        GradientLayout layout = GradientLayout.ofBackwardLengths(new long[] {256, 0}, 4);
        Timeline t = Timeline.of(layout, BucketPlan.perLayer(2), new double[] {1, 5}, new CostModel(0, 1.0 / 1024));
        assertEquals(0, t.tailSeconds());
    }

    @Test
    void refusesAPlanForAnotherNumberOfLayers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Timeline.of(LAYOUT, BucketPlan.fused(3), BACKWARD, COST));
        assertTrue(e.getMessage().contains("covers 3 layers but the layout has 4"), e.getMessage());
    }

    @Test
    void refusesBackwardTimesOfTheWrongLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Timeline.of(LAYOUT, BucketPlan.fused(4), new double[] {1, 2, 3, 4, 5}, COST));
        assertTrue(e.getMessage().contains("backwardSeconds has 5 entries but there are 4 layers"), e.getMessage());
    }

    @Test
    void refusesNegativeNanAndInfiniteTimesNamingTheLayer() {
        for (double bad : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            double[] backward = {1, 1, bad, 1};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Timeline.of(LAYOUT, BucketPlan.fused(4), backward, COST));
            assertTrue(e.getMessage().contains("backwardSeconds[2] is " + bad), e.getMessage());
        }
    }
}
