package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * When the replanner looks for a new plan and when it takes it. The example: four layers of 2.5 s all-reduces (1 s
 * latency) and a backward pass ending with a 6 s layer. Fused, the whole 7 s of communication is the tail; the adaptive
 * plan [0-2|3] hides all but the last layer's 2.5 s: a predicted gain of 4.5 s.
 */
class ReplannerTest {
    private static final GradientLayout LAYOUT = GradientLayout.ofBackwardLengths(new long[] {1024, 1024, 1024, 1024}, 4);
    private static final CostModel COST = new CostModel(1, 3.0 / 8192);
    private static final double[] BACKWARD = {1, 1, 1, 6};
    private static final BucketPlan BEST = BucketPlan.ofEnds(3, 4);

    @Test
    void considersANewPlanOnlyAtPositiveMultiplesOfTheInterval() {
        Replanner replanner = adaptiveFromFused(new ReplanConfig(10, 0, 0));
        for (long step = 0; step < 10; step++) {
            assertEquals(Optional.empty(), replanner.onStep(step, BACKWARD, COST), "step " + step);
        }
        assertEquals(BucketPlan.fused(4), replanner.current());
        assertTrue(replanner.onStep(10, BACKWARD, COST).isPresent());
        assertEquals(Optional.empty(), replanner.onStep(15, BACKWARD, COST));
        assertTrue(replanner.onStep(20, BACKWARD, COST).isPresent());
    }

    @Test
    void adoptsAPlanWhoseGainExceedsTheAbsoluteFloor() {
        Replanner replanner = adaptiveFromFused(new ReplanConfig(1, 0, 4.4));
        Replanner.Decision decision = replanner.onStep(1, BACKWARD, COST).orElseThrow();

        assertEquals(7, decision.previousTailSeconds(), 1e-12);
        assertEquals(2.5, decision.candidateTailSeconds(), 1e-12);
        assertEquals(4.5, decision.gainSeconds(), 1e-12);
        assertTrue(decision.adopted());
        assertEquals(BEST, decision.plan());
        assertEquals(BEST, replanner.current());
    }

    @Test
    void keepsThePlanWhenTheGainOnlyEqualsTheFloor() {
        Replanner replanner = adaptiveFromFused(new ReplanConfig(1, 0, 4.5));
        Replanner.Decision decision = replanner.onStep(1, BACKWARD, COST).orElseThrow();
        assertFalse(decision.adopted());
        assertEquals(BEST, decision.candidate());
        assertEquals(BucketPlan.fused(4), decision.plan());
        assertEquals(BucketPlan.fused(4), replanner.current());
    }

    /** Half of the fused plan's 7 s of communication is 3.5 s; with a 1 s floor the bar is 4.5 s, with 0.9 s it is 4.4 s. */
    @Test
    void theBarGrowsWithTheCurrentPlansCommunication() {
        Replanner strict = adaptiveFromFused(new ReplanConfig(1, 0.5, 1.0));
        Replanner.Decision refused = strict.onStep(1, BACKWARD, COST).orElseThrow();
        assertEquals(4.5, refused.requiredGainSeconds(), 1e-12);
        assertFalse(refused.adopted());

        Replanner lenient = adaptiveFromFused(new ReplanConfig(1, 0.5, 0.9));
        assertTrue(lenient.onStep(1, BACKWARD, COST).orElseThrow().adopted());
    }

    @Test
    void anAdoptedPlanIsKeptWhileTheMeasurementsStayTheSame() {
        Replanner replanner = adaptiveFromFused(new ReplanConfig(1, 0, 0));
        assertTrue(replanner.onStep(1, BACKWARD, COST).orElseThrow().adopted());
        Replanner.Decision again = replanner.onStep(2, BACKWARD, COST).orElseThrow();
        assertEquals(0, again.gainSeconds());
        assertFalse(again.adopted());
        assertEquals(BEST, replanner.current());
    }

    @Test
    void aPolicyThatIsNotAdaptiveNeverChangesThePlan() {
        for (PartitionPolicy policy : List.of(new FusedPolicy(), new PerLayerPolicy(), new FixedSizePolicy(25))) {
            BucketPlan initial = policy.plan(LAYOUT, BACKWARD, COST);
            Replanner replanner = new Replanner(policy, LAYOUT, initial, new ReplanConfig(1, 0, 0));
            for (long step = 0; step < 5; step++) {
                assertEquals(Optional.empty(), replanner.onStep(step, BACKWARD, COST), policy.name());
            }
            assertFalse(replanner.replansAt(1));
            assertEquals(initial, replanner.current());
        }
    }

    @Test
    void decidesTheSameFromTheSameInputs() {
        assertEquals(decisions(), decisions());
    }

    @Test
    void refusesANegativeStepAndInputsThatDoNotMatchTheLayout() {
        Replanner replanner = adaptiveFromFused(ReplanConfig.DEFAULTS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> replanner.onStep(-1, BACKWARD, COST));
        assertTrue(e.getMessage().contains("step must be >= 0, not -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> replanner.onStep(50, new double[] {1, 1}, COST));
        assertTrue(e.getMessage().contains("has 2 entries but there are 4 layers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Replanner(new AdaptivePolicy(), LAYOUT, BucketPlan.fused(3), ReplanConfig.DEFAULTS));
        assertTrue(e.getMessage().contains("covers 3 layers but the layout has 4"), e.getMessage());
    }

    private static Replanner adaptiveFromFused(ReplanConfig config) {
        return new Replanner(new AdaptivePolicy(0), LAYOUT, BucketPlan.fused(4), config);
    }

    /** The decisions over 200 steps of seeded, noisy measurements fed through a profile and a cost fit. */
    private static List<Replanner.Decision> decisions() {
        Random random = new Random(5L);
        BackwardProfile profile = new BackwardProfile(LAYOUT.layers());
        CostModelFit fit = new CostModelFit();
        Replanner replanner = adaptiveFromFused(new ReplanConfig(20, 0.05, 1e-4));
        List<Replanner.Decision> decisions = new ArrayList<>();
        for (long step = 0; step < 200; step++) {
            double[] measured = new double[LAYOUT.layers()];
            for (int k = 0; k < measured.length; k++) {
                measured[k] = BACKWARD[k] * (1 + 0.2 * random.nextDouble());
            }
            profile.record(measured);
            long bytes = 4096L * (1 + random.nextInt(4));
            fit.record(bytes, COST.seconds(bytes) * (1 + 0.05 * random.nextGaussian()));
            replanner.onStep(step, profile.seconds(), fit.fit().orElse(COST)).ifPresent(decisions::add);
        }
        assertEquals(9, decisions.size());
        return decisions;
    }
}
