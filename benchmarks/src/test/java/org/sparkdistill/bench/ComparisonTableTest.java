package org.sparkdistill.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {
    private static final TrialResult FAST = new TrialResult("fast", "fast settings", 0.8, 1.0, List.of(
            new EpochRecord(1, 4.0, 4.0, 0.5, 0.70), new EpochRecord(2, 6.0, 10.0, 0.5, 0.81)));
    private static final TrialResult SLOW = new TrialResult("slow", "slow settings", 0.8, 2.0, List.of(
            new EpochRecord(1, 40.0, 40.0, 0.5, 0.85)));
    private static final TrialResult NEVER = new TrialResult("never", "never settings", 0.8, 0.0, List.of(
            new EpochRecord(1, 3.0, 3.0, 0.25, 0.50), new EpochRecord(2, 3.0, 6.0, 0.25, 0.60)));

    private final ComparisonTable table = new ComparisonTable("a test run", List.of(FAST, SLOW, NEVER));

    @Test
    void timeToTargetIsTheTrainingClockAtTheFirstEpochAtTarget() {
        assertEquals(2, FAST.firstAtTarget().orElseThrow().epoch());
        assertEquals(10.0, FAST.secondsToTarget().orElseThrow());
        assertEquals(1.0, FAST.evalSeconds());
        assertTrue(NEVER.secondsToTarget().isEmpty());
    }

    @Test
    void ratiosDivideTheRowsTimeByTheColumns() {
        assertEquals(0.25, FAST.timeRatioTo(SLOW).orElseThrow(), 1e-12);
        assertEquals(4.0, SLOW.timeRatioTo(FAST).orElseThrow(), 1e-12);
        assertTrue(FAST.timeRatioTo(NEVER).isEmpty());
        assertTrue(NEVER.timeRatioTo(FAST).isEmpty());
    }

    @Test
    void summaryCsvHasOneLinePerContenderAndLeavesUnreachedValuesEmpty() {
        List<String> lines = table.summaryCsv().lines().toList();
        assertEquals("contender,target,epochs_to_target,seconds_to_target,final_accuracy,epochs_run,train_seconds,"
                + "eval_seconds,setup_seconds,ratio_to_fast,ratio_to_slow,ratio_to_never", lines.get(0));
        assertEquals("fast,0.8000,2,10.000,0.8100,2,10.000,1.000,1.000,1.0000,0.2500,", lines.get(1));
        assertEquals("never,0.8000,,,0.6000,2,6.000,0.500,0.000,,,", lines.get(3));
    }

    @Test
    void epochsCsvListsEveryEpoch() {
        List<String> lines = table.epochsCsv().lines().toList();
        assertEquals(6, lines.size());
        assertEquals("slow,1,40.000,40.000,0.500,0.8500", lines.get(3));
    }

    @Test
    void markdownShowsRatiosAndMarksContendersBelowTarget() {
        String markdown = table.markdown();
        assertTrue(markdown.contains("| fast | 2 | 10.0 | 81.00% | 2 | 10.0 | 1.0 | 1.0 | 1 | 0.250 | — |"), markdown);
        assertTrue(markdown.contains("| never | not reached | — | 60.00% |"), markdown);
        assertTrue(markdown.contains("- **slow**: slow settings"), markdown);
    }
}
