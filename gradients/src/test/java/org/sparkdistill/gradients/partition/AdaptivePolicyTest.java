package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The dynamic program against exhaustive search, the two shapes of optimum it must find by itself, and its inputs.
 */
class AdaptivePolicyTest {
    private static final int PROFILES_PER_LENGTH = 80;
    /** 4 KiB of floats cost 3 s at this beta, so the hand-made costs below are exact in binary. */
    private static final CostModel SLOW_LINK = new CostModel(1, 3.0 / 8192);
    private static final GradientLayout FOUR_EQUAL_LAYERS = GradientLayout.ofBackwardLengths(
            new long[] {1024, 1024, 1024, 1024}, 4);

    @Test
    void findsTheBestOfAllPartitionsOnRandomProfiles() {
        matchesExhaustiveSearch(new Random(20190429L), 0);
    }

    @Test
    void findsTheBestOfAllPartitionsWhoseBucketsReachTheMinimumSize() {
        matchesExhaustiveSearch(new Random(7L), 1500 * 4);
    }

    /**
     * Communication-bound: the four layers' all-reduces (2.5 s each, 7 s fused) take longer than the whole backward
     * pass (4 s), so the tail is set by when communication starts and by how many latencies are paid. Sending the
     * output layer alone at t = 1 keeps the link busy during the backward pass, and sending the other three together
     * when the backward pass ends pays one more latency instead of three: [0|1-3] ends at 9.5 (tail 5.5), against
     * 11 fused, 11 per layer and 11 for the mirror image [0-2|3].
     */
    @Test
    void startsEarlyWithASmallFirstBucketWhenCommunicationDominates() {
        double[] backward = {1, 1, 1, 1};
        assertBestPlan(backward, BucketPlan.ofEnds(1, 4), 5.5);
        assertEquals(7, tail(BucketPlan.ofEnds(3, 4), backward), 1e-12);
        assertEquals(7, tail(BucketPlan.fused(4), backward), 1e-12);
    }

    /**
     * Compute-bound: the input layer takes 6 s of backward, long enough to hide the all-reduce of the three layers
     * before it (ready at t = 3, done at 8.5) in one bucket. Only the last bucket is exposed, so the best plan sends the
     * input layer alone: [0-2|3] has a tail of 2.5, the cost of one layer. [0|1-2|3] ties on the tail with a bucket
     * more; the mirror image [0|1-3] has a tail of 5.5.
     */
    @Test
    void exposesOnlyASmallLastBucketWhenTheBackwardPassDominates() {
        double[] backward = {1, 1, 1, 6};
        assertBestPlan(backward, BucketPlan.ofEnds(3, 4), 2.5);
        assertEquals(2.5, tail(BucketPlan.ofEnds(1, 3, 4), backward), 1e-12);
        assertEquals(5.5, tail(BucketPlan.ofEnds(1, 4), backward), 1e-12);
    }

    @Test
    void isNeverWorseThanTheOtherPolicies() {
        Random random = new Random(11L);
        List<PartitionPolicy> others = List.of(new FusedPolicy(), new PerLayerPolicy(), new FixedSizePolicy(0.001),
                new MgWfbpPolicy());
        for (int n = 0; n < 300; n++) {
            Profile p = Profile.random(random, 1 + random.nextInt(12));
            double best = tail(p, new AdaptivePolicy(0).plan(p.layout, p.backward, p.cost));
            for (PartitionPolicy other : others) {
                double theirs = tail(p, other.plan(p.layout, p.backward, p.cost));
                assertTrue(best <= theirs, other.name() + " beat adaptive on " + p + ": " + theirs + " < " + best);
            }
        }
    }

    @Test
    void aGradientSmallerThanTheMinimumIsOneBucket() {
        GradientLayout small = GradientLayout.ofBackwardLengths(new long[] {10, 20, 30}, 4);
        BucketPlan plan = new AdaptivePolicy(1000).plan(small, new double[] {1, 1, 1}, new CostModel(0, 1e-3));
        assertEquals(BucketPlan.fused(3), plan);
    }

    @Test
    void layersWithoutParametersJoinABucketWithoutBreakingTheMinimum() {
        GradientLayout layout = GradientLayout.ofBackwardLengths(new long[] {0, 256, 0, 256, 0}, 4);
        BucketPlan plan = new AdaptivePolicy(1024).plan(layout, new double[] {1, 1, 1, 1, 1}, new CostModel(0, 1e-3));
        for (int b = 0; b < plan.buckets(); b++) {
            assertTrue(plan.buckets() == 1 || layout.rangeBytes(plan.first(b), plan.last(b)) >= 1024, plan.toString());
        }
        assertEquals(2, plan.buckets(), plan.toString());
    }

    @Test
    void isAdaptiveAndNamedAdaptiveWithTheDefaultMinimum() {
        AdaptivePolicy policy = new AdaptivePolicy();
        assertEquals("adaptive", policy.name());
        assertTrue(policy.adaptive());
        assertEquals(64 * 1024, policy.minBucketBytes());
    }

    @Test
    void refusesANegativeMinimum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdaptivePolicy(-1));
        assertTrue(e.getMessage().contains("minBucketBytes") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void refusesBackwardTimesThatDoNotMatchTheLayout() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AdaptivePolicy().plan(FOUR_EQUAL_LAYERS, new double[] {1, 1, 1}, SLOW_LINK));
        assertTrue(e.getMessage().contains("has 3 entries but there are 4 layers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new AdaptivePolicy().plan(FOUR_EQUAL_LAYERS, new double[] {1, Double.NaN, 1, 1}, SLOW_LINK));
        assertTrue(e.getMessage().contains("backwardSeconds[1] is NaN"), e.getMessage());
    }

    private static void matchesExhaustiveSearch(Random random, long minBytes) {
        AdaptivePolicy policy = new AdaptivePolicy(minBytes);
        for (int layers = 1; layers <= 10; layers++) {
            for (int n = 0; n < PROFILES_PER_LENGTH; n++) {
                Profile p = Profile.random(random, layers);
                Timeline best = ExhaustiveSearch.best(p.layout, p.backward, p.cost, minBytes);
                BucketPlan plan = policy.plan(p.layout, p.backward, p.cost);
                assertEquals(best.plan(), plan, p.toString());
                assertEquals(best.tailSeconds(), tail(p, plan), 0.0, p.toString());
            }
        }
    }

    /** Asserts that {@code expected} is the planner's choice and the exhaustive optimum, with the given tail. */
    private static void assertBestPlan(double[] backward, BucketPlan expected, double expectedTail) {
        assertEquals(expected, new AdaptivePolicy(0).plan(FOUR_EQUAL_LAYERS, backward, SLOW_LINK));
        assertEquals(expected, ExhaustiveSearch.best(FOUR_EQUAL_LAYERS, backward, SLOW_LINK, 0).plan());
        assertEquals(expectedTail, tail(expected, backward), 1e-12);
    }

    private static double tail(BucketPlan plan, double[] backward) {
        return Timeline.of(FOUR_EQUAL_LAYERS, plan, backward, SLOW_LINK).tailSeconds();
    }

    private static double tail(Profile p, BucketPlan plan) {
        return Timeline.of(p.layout, plan, p.backward, p.cost).tailSeconds();
    }
}
