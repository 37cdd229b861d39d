package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** PyTorch DDP's bucket assignment ({@code compute_bucket_assignment_by_size}) on hand-made layouts. */
class FixedSizePolicyTest {
    private static final long QUARTER_MIB_OF_FLOATS = (1 << 20) / 4 / 4;
    private static final CostModel ANY_COST = new CostModel(1, 1);

    /**
     * Layers of 0.25, 0.5, 0.5, 1, 0.75, 3, 0.25, 0 and 0 MiB with fixed:2. The first bucket's cap is 1 MiB: 0.25 +
     * 0.5 + 0.5 reaches it at layer 2, which closes [0-2] at 1.25 MiB. The cap is 2 MiB from then on: 1 + 0.75 + 3
     * reaches it at layer 5, whose 3 MiB join the open bucket, closing [3-5] at 4.75 MiB. The rest, 0.25 MiB with two
     * empty layers, is the last bucket [6-8].
     */
    @Test
    void fillsEachBucketUntilItReachesItsCapAsDdpDoes() {
        GradientLayout layout = layoutOfQuarterMiB(1, 2, 2, 4, 3, 12, 1, 0, 0);
        BucketPlan plan = new FixedSizePolicy(2).plan(layout, null, ANY_COST);
        assertEquals(BucketPlan.ofEnds(3, 6, 9), plan);
    }

    /** A layer at least as large as the cap, arriving in an empty bucket, closes it alone. */
    @Test
    void aLayerOverTheCapInAnEmptyBucketIsABucketOfItsOwn() {
        GradientLayout layout = layoutOfQuarterMiB(4, 12, 1, 1);
        assertEquals(BucketPlan.ofEnds(1, 2, 4), new FixedSizePolicy(2).plan(layout, null, ANY_COST));
    }

    /** Empty layers after the last closed bucket join it instead of making an all-reduce of nothing. */
    @Test
    void trailingEmptyLayersJoinTheLastBucket() {
        GradientLayout layout = layoutOfQuarterMiB(4, 0, 0);
        assertEquals(BucketPlan.fused(3), new FixedSizePolicy(25).plan(layout, null, ANY_COST));
    }

    @Test
    void aGradientUnderTheFirstCapIsOneBucket() {
        GradientLayout layout = layoutOfQuarterMiB(1, 1, 1);
        assertEquals(BucketPlan.fused(3), new FixedSizePolicy(25).plan(layout, null, ANY_COST));
    }

    @Test
    void isNamedByItsCapInMiB() {
        assertEquals("fixed:25", new FixedSizePolicy(FixedSizePolicy.DDP_DEFAULT_CAP_MIB).name());
        assertEquals("fixed:2.5", new FixedSizePolicy(2.5).name());
        assertEquals(25L << 20, new FixedSizePolicy(25).capBytes());
        assertFalse(new FixedSizePolicy(25).adaptive());
    }

    @Test
    void refusesACapThatIsNotAPositiveNumber() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FixedSizePolicy(bad));
            assertTrue(e.getMessage().contains("positive number of MiB, not " + bad), e.getMessage());
        }
    }

    private static GradientLayout layoutOfQuarterMiB(long... quarters) {
        long[] lengths = new long[quarters.length];
        for (int k = 0; k < quarters.length; k++) {
            lengths[k] = quarters[k] * QUARTER_MIB_OF_FLOATS;
        }
        return GradientLayout.ofBackwardLengths(lengths, 4);
    }
}
