package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdistill.gradients.partition.GradientLayout;

/** Gradient ranges become a layout only when they fill the flat gradient from its end, in backward order. */
class GradientRangesTest {
    private static final List<String> NAMES = List.of("'out'", "'pool'", "'conv'");

    @Test
    void adjacentRangesFromTheEndFormTheLayoutWithEmptyLayersAnywhere() {
        GradientLayout layout = GradientRanges.fit(NAMES, new long[] {30, 0, 0}, new long[] {10, 0, 30}, 40, 4);
        assertEquals(GradientLayout.ofBackwardLengths(new long[] {10, 0, 30}, 4), layout);
        assertEquals(0, layout.offset(2));
    }

    @Test
    void aLayerReadyOutOfPositionOrderIsRefusedNamingIt() {
        assertRefused(new long[] {0, 0, 10}, new long[] {10, 0, 30}, "'out'");
    }

    @Test
    void aLayerThatDoesNotEndWhereThePreviousStartsIsRefusedNamingBoth() {
        assertRefused(new long[] {30, 0, 0}, new long[] {10, 0, 20}, "'conv'", "'out'");
    }

    @Test
    void elementsThatBelongToNoLayerAreRefused() {
        assertRefused(new long[] {30, 0, 5}, new long[] {10, 0, 25}, "[0, 5)");
    }

    private static void assertRefused(long[] offsets, long[] lengths, String... mentioned) {
        IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class,
                () -> GradientRanges.fit(NAMES, offsets, lengths, 40, 4));
        for (String expected : mentioned) {
            assertTrue(refusal.getMessage().contains(expected), refusal.getMessage());
        }
    }

    @Test
    void eventsMustComeInBackwardOrder() {
        List<String> seen = new ArrayList<>();
        BackwardEvents events = new BackwardEvents(new BackwardListener() {
            @Override
            public void backwardStarted(long nanoTime) {
                seen.add("started");
            }

            @Override
            public void layerReady(int k, long nanoTime) {
                seen.add("ready " + k);
            }
        }, NAMES);
        events.starting(0);
        events.finished(0);
        events.starting(1);
        IllegalStateException skipped = assertThrows(IllegalStateException.class, () -> events.finished(2));
        assertTrue(skipped.getMessage().contains("'conv'") && skipped.getMessage().contains("'pool'"), skipped.getMessage());
        events.starting(0);
        events.finished(0);
        assertEquals(List.of("started", "ready 0", "started", "ready 0"), seen);
    }
}
