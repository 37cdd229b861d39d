package org.sparkdistill.bench.buckets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.metrics.CommunicationMetrics;

class PolicyTableTest {
    private static CommunicationMetrics metrics(double forward, double backward, double optimizer,
            double communication) {
        return new CommunicationMetrics(16, forward, backward, optimizer, communication, 0.05, 0, 0, 0, 0.5, 1e8,
                "[0-1]", 0, 0, 0.1);
    }

    private static final List<PolicyRun> RUNS = List.of(
            new PolicyRun("fused", 0, metrics(0.2, 0.5, 0.1, 0.4), 1.2, 1.6),
            new PolicyRun("fused", 1, metrics(0.2, 0.7, 0.1, 0.4), 1.4, 2.0),
            new PolicyRun("fused", 2, metrics(0.2, 0.6, 0.1, 0.4), 1.3, 1.8),
            new PolicyRun("adaptive", 0, metrics(0.2, 0.6, 0.1, 0.8), 1.0, 2.2),
            new PolicyRun("adaptive", 1, metrics(0.2, 0.6, 0.1, 0.8), 1.0, Double.NaN));

    private final PolicyTable table = new PolicyTable(RUNS, 2);

    @Test
    void lowerBoundAddsForwardTheLongerOfBackwardAndCommunicationAndOptimizerFromFusedMedians() {
        assertEquals(0.2 + 0.6 + 0.1, table.lowerBoundSeconds(), 1e-12);
        assertEquals(0.2 + 0.8 + 0.1, table.ownBoundSeconds("adaptive"), 1e-12);
    }

    @Test
    void processorFloorIsTheMedianBusyTimeOverTheProcessors() {
        assertEquals(1.8 / 2, table.processorFloorSeconds("fused"), 1e-12);
        assertTrue(Double.isNaN(table.processorFloorSeconds("adaptive")), "a run without a reading makes it unknown");
    }

    @Test
    void markdownHasOneRowPerPolicyAndTheFloors() {
        String md = table.markdown("# header");
        assertTrue(md.contains("| fused | 1300.0 | 1.000 |"), md);
        assertTrue(md.contains("| 900.0 | 900.0 | [0-1] |"), md);
        assertTrue(md.contains("| 1100.0 | — | [0-1] |"), md);
        assertTrue(md.contains("from the fused runs: 900.0 ms."), md);
        assertEquals(6, table.csv().lines().count());
    }

    @Test
    void readsTheAggregateLineOfProcStat() {
        ProcessorTime earlier = ProcessorTime.parse("cpu  100 5 20 1000 10 0 15 50 0 0");
        ProcessorTime later = ProcessorTime.parse("cpu  300 5 60 1100 10 0 35 50 0 0");
        assertEquals(140, earlier.busyTicks());
        assertEquals(1200, earlier.allTicks());
        assertEquals(260.0 / 360 * 2.0 * 2, later.busySecondsSince(earlier, 2.0, 2), 1e-12);
    }

    @Test
    void refusesOtherLines() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProcessorTime.parse("cpu0 1 2 3 4 5 6 7 8"));
        assertTrue(e.getMessage().contains("/proc/stat"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProcessorTime.parse("cpu 1 2 3"));
        assertThrows(IllegalArgumentException.class, () -> ProcessorTime.parse(""));
    }
}
