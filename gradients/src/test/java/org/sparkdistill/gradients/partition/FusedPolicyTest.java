package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class FusedPolicyTest {
    @Test
    void sendsTheWholeGradientAsOneBucketWhateverTheMeasurements() {
        GradientLayout layout = GradientLayout.ofBackwardLengths(new long[] {3, 0, 5}, 4);
        FusedPolicy policy = new FusedPolicy();
        assertEquals(BucketPlan.fused(3), policy.plan(layout, new double[] {1, 2, 3}, new CostModel(1, 1)));
        assertEquals("fused", policy.name());
        assertFalse(policy.adaptive());
    }
}
