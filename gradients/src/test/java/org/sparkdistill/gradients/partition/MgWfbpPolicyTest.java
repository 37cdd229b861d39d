package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** MG-WFBP's merge rule (Shi, Chu and Li, INFOCOM 2019) applied by hand. */
class MgWfbpPolicyTest {
    /**
     * Latency 1 s; layer sizes cost 0.5, 1, 0.5, 0.5, 1 and 1 s more; layers are final at 1, 2, 2.25, 5, 5.5 and 7.5.
     * The open bucket merges the next layer when it starts later than (next final - latency):
     * <ul>
     *   <li>[0] starts at 1, not after 2 - 1 = 1: closed, it ends at 2.5;</li>
     *   <li>[1] starts at 2.5 (the link is busy), after 2.25 - 1: layer 2 joins, though it is final while [0] is
     *       still sending;</li>
     *   <li>[1-2] starts at 2.5, not after 5 - 1: closed, it ends at 5;</li>
     *   <li>[3] starts at 5, after 5.5 - 1: layer 4, final within one latency, joins; [3-4] starts at 5.5;</li>
     *   <li>[3-4] starts at 5.5, not after 7.5 - 1: closed; [5] is the last bucket.</li>
     * </ul>
     */
    @Test
    void mergesTheNextLayerWhenTheOpenBucketStartsLessThanOneLatencyBeforeItIsFinal() {
        GradientLayout layout = GradientLayout.ofBackwardLengths(new long[] {128, 256, 128, 128, 256, 256}, 4);
        double[] backward = {1, 1, 0.25, 2.75, 0.5, 2};
        CostModel cost = new CostModel(1, 1.0 / 1024);

        BucketPlan plan = new MgWfbpPolicy().plan(layout, backward, cost);

        assertEquals(BucketPlan.ofEnds(1, 3, 5, 6), plan);
        Timeline timeline = Timeline.of(layout, plan, backward, cost);
        assertEquals(8, timeline.startSeconds(3));
        assertEquals(2.5, timeline.tailSeconds());
    }

    @Test
    void withoutLatencyNothingIsWorthWaitingFor() {
        GradientLayout layout = GradientLayout.ofBackwardLengths(new long[] {256, 256, 256}, 4);
        BucketPlan plan = new MgWfbpPolicy().plan(layout, new double[] {1, 1, 1}, new CostModel(0, 1.0 / 4096));
        assertEquals(BucketPlan.perLayer(3), plan);
    }

    @Test
    void isAdaptiveAndNamedMgwfbp() {
        assertEquals("mgwfbp", new MgWfbpPolicy().name());
        assertTrue(new MgWfbpPolicy().adaptive());
    }

    @Test
    void refusesBackwardTimesThatDoNotMatchTheLayout() {
        GradientLayout layout = GradientLayout.ofBackwardLengths(new long[] {1, 1}, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MgWfbpPolicy().plan(layout, new double[] {1}, new CostModel(1, 1)));
        assertTrue(e.getMessage().contains("has 1 entries but there are 2 layers"), e.getMessage());
    }
}
