package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class PerLayerPolicyTest {
    @Test
    void sendsEveryLayerAsItsOwnBucketWhateverTheMeasurements() {
        GradientLayout layout = GradientLayout.ofBackwardLengths(new long[] {3, 0, 5}, 4);
        PerLayerPolicy policy = new PerLayerPolicy();
        assertEquals(BucketPlan.ofEnds(1, 2, 3), policy.plan(layout, new double[] {1, 2, 3}, new CostModel(1, 1)));
        assertEquals("per-layer", policy.name());
        assertFalse(policy.adaptive());
    }
}
