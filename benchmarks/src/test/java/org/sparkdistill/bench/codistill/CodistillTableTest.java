package org.sparkdistill.bench.codistill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;

class CodistillTableTest {
    private static final double TARGET = 0.84;

    /** An epoch of 10 steps, each 0.1 s of loop and 0.08 s of gradient step. */
    private static GroupEpoch epoch(int epoch, double accuracy, double seconds, double bytes, double crossBytes) {
        return new GroupEpoch(epoch, 10L * epoch, accuracy, seconds, 1.0, 0.08, bytes, crossBytes);
    }

    private static List<GroupEpoch> history(double... accuraciesThenSeconds) {
        int epochs = accuraciesThenSeconds.length / 2;
        return IntStream.range(0, epochs).mapToObj(e -> epoch(e + 1, accuraciesThenSeconds[e],
                accuraciesThenSeconds[epochs + e], 80_000, 0)).toList();
    }

    private static final ContenderRun PLAIN_1 = new ContenderRun(Parallelism.PLAIN, 0,
            List.of(history(0.80, 0.85, 0.86, 10, 20, 30)));
    private static final ContenderRun CODISTILL_1 = new ContenderRun(Parallelism.CODISTILL, 0,
            List.of(history(0.79, 0.83, 0.845, 12, 24, 36), history(0.80, 0.841, 0.85, 11, 25, 37)));
    private static final ContenderRun CODISTILL_2 = new ContenderRun(Parallelism.CODISTILL, 1,
            List.of(history(0.79, 0.83, 0.84, 12, 24, 36), history(0.80, 0.82, 0.83, 11, 22, 33)));
    private static final ContenderRun PLAIN_2 = new ContenderRun(Parallelism.PLAIN, 1,
            List.of(history(0.80, 0.84, 0.85, 10, 16, 30)));

    @Test
    void timeToTargetIsTheFirstEpochEndAtOrAboveIt() {
        ContenderRun.Reached reached = PLAIN_1.reached(TARGET).orElseThrow();
        assertEquals(0, reached.group());
        assertEquals(2, reached.epoch().epoch());
        assertEquals(20.0, reached.seconds());
        assertEquals(16.0, PLAIN_2.reached(TARGET).orElseThrow().seconds(), "an accuracy equal to the target counts");
    }

    @Test
    void codistillationReachesItWhenTheFirstGroupDoesInWallTime() {
        ContenderRun.Reached reached = CODISTILL_1.reached(TARGET).orElseThrow();
        assertEquals(1, reached.group(), "group 1 at 25 s comes before group 0 at 36 s");
        assertEquals(25.0, reached.seconds());
        ContenderRun.Reached onlyGroupZero = CODISTILL_2.reached(TARGET).orElseThrow();
        assertEquals(0, onlyGroupZero.group());
        assertEquals(36.0, onlyGroupZero.seconds());
        ContenderRun tie = new ContenderRun(Parallelism.CODISTILL, 0,
                List.of(history(0.9, 5), history(0.9, 5)));
        assertEquals(0, tie.reached(TARGET).orElseThrow().group(), "the lower group on a tie");
    }

    @Test
    void aTargetNobodyReachedHasNoTimeAndNoRatio() {
        assertEquals(Optional.empty(), PLAIN_1.reached(0.9));
        CodistillTable table = new CodistillTable(List.of(PLAIN_1, CODISTILL_1), 0.9);
        assertEquals(Optional.empty(), table.ratio(0));
        assertEquals(Optional.empty(), table.medianRatio());
        String md = table.markdown("# header");
        assertTrue(md.contains("| 1 | plain | not reached | — | — | — | 86.00% | 30 |"), md);
        assertTrue(md.contains("| plain | — | 0 of 1 | 86.00% |"), md);
        assertTrue(md.contains("time to 90%: — by round; median **—**."), md);
        assertTrue(table.summaryCsv().lines().skip(1).allMatch(line -> line.startsWith("1,plain,0.900000,,,,,")
                || line.startsWith("1,codistill,0.900000,,,,,")), table.summaryCsv());
    }

    @Test
    void ratiosAreCodistillOverPlainInTheSameRoundAndTheirMedian() {
        CodistillTable table = new CodistillTable(List.of(PLAIN_1, CODISTILL_1, CODISTILL_2, PLAIN_2), TARGET);
        assertEquals(25.0 / 20.0, table.ratio(0).orElseThrow(), 1e-12);
        assertEquals(36.0 / 16.0, table.ratio(1).orElseThrow(), 1e-12);
        assertEquals((25.0 / 20.0 + 36.0 / 16.0) / 2, table.medianRatio().orElseThrow(), 1e-12);
        assertEquals(18.0, table.medianSecondsToTarget(Parallelism.PLAIN).orElseThrow(), 1e-12);
        assertEquals(30.5, table.medianSecondsToTarget(Parallelism.CODISTILL).orElseThrow(), 1e-12);
    }

    @Test
    void markdownHasOneRowPerRunInOrderAndTheMedians() {
        String md = new CodistillTable(List.of(PLAIN_1, CODISTILL_1, CODISTILL_2, PLAIN_2), TARGET).markdown("# h");
        assertTrue(md.contains("| round | contender | time to 84% (s) |"), md);
        assertTrue(md.contains("| 1 | plain | 20.0 | 2.0 | the student | 2 | 86.00% | 30 | 100.0 | 80.0 | 80.0 | 0.0 "
                + "| — |"), md);
        assertTrue(md.contains("| 1 | codistill | 25.0 | 2.0 | group 1 | 2 | 84.50% / 85.00% | 30 | 100.0 | 80.0 "
                + "| 80.0 | 0.0 | 1.250 |"), md);
        assertTrue(md.indexOf("| 2 | codistill |") < md.indexOf("| 2 | plain |"), "rows in the order the runs ran");
        assertTrue(md.contains("| codistill | 30.5 | 2 of 2 | 84.50% |"), md);
        assertTrue(md.contains("time to 84%: 1.250, 2.250 by round; median **1.750**."), md);
    }

    @Test
    void csvHasALinePerRunAndPerGroupEpoch() {
        CodistillTable table = new CodistillTable(List.of(PLAIN_1, CODISTILL_1, CODISTILL_2, PLAIN_2), TARGET);
        assertEquals(5, table.summaryCsv().lines().count());
        assertEquals(1 + 3 + 6 + 6 + 3, table.epochsCsv().lines().count());
        assertTrue(table.summaryCsv().contains("\n1,codistill,0.840000,1,2,25.0000,2.00000,0.845000;0.850000,3,30,"),
                table.summaryCsv());
    }

    @Test
    void stepTimeAndBytesAreWeightedByEachEpochsSteps() {
        ContenderRun run = new ContenderRun(Parallelism.CODISTILL, 0, List.of(
                List.of(new GroupEpoch(1, 10, 0.5, 2, 2.0, 0.1, 100, 10), new GroupEpoch(2, 40, 0.6, 6, 3.0, 0.05, 200,
                        0)),
                List.of(new GroupEpoch(1, 10, 0.5, 2, 1.0, 0.1, 300, 30), new GroupEpoch(2, 40, 0.6, 6, 3.0, 0.05, 300,
                        30))));
        assertEquals((2.0 + 3.0 + 1.0 + 3.0) / 80, run.meanStepSeconds(), 1e-12);
        assertEquals(((0.1 * 10 + 0.05 * 30) / 40 + (0.1 * 10 + 0.05 * 30) / 40) / 2, run.meanGradientStepSeconds(),
                1e-12);
        assertEquals(((100.0 * 10 + 200 * 30) / 40 + 300) / 2, run.bytesSentPerStep(), 1e-9);
        assertEquals((10.0 * 10 / 40 + 30) / 2, run.crossGroupBytesPerStep(), 1e-9);
        assertEquals(40, run.steps());
        assertEquals(2, run.epochs());
        assertEquals(6.0, run.seconds());
    }

    @Test
    void bestGroupIsTheMostAccurateAtTheEndAndTheLowerOnATie() {
        assertEquals(1, CODISTILL_1.bestGroup());
        assertEquals(0, CODISTILL_2.bestGroup());
        assertEquals(0, new ContenderRun(Parallelism.CODISTILL, 0, List.of(history(0.8, 1), history(0.8, 1)))
                .bestGroup());
    }

    @Test
    void aGroupWithoutEpochsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContenderRun(Parallelism.CODISTILL, 1, List.of(history(0.8, 1), List.of())));
        assertEquals("codistill, round 2: every group needs at least one epoch, got [1, 0]", e.getMessage());
    }

    @Test
    void historiesPackIntoFixedRowsAndBack() {
        List<GroupEpoch> history = CODISTILL_1.groups().get(1);
        double[] packed = GroupEpoch.pack(history, 5);
        assertEquals(5 * GroupEpoch.FIELDS, packed.length);
        assertTrue(Double.isNaN(packed[3 * GroupEpoch.FIELDS]), "epochs not run are NaN");
        assertEquals(history, GroupEpoch.unpack(packed, 0, 5));
        double[] twoRanks = new double[2 * packed.length];
        Arrays.fill(twoRanks, Double.NaN);
        System.arraycopy(packed, 0, twoRanks, packed.length, packed.length);
        assertEquals(List.of(), GroupEpoch.unpack(twoRanks, 0, 5), "a rank that leads no group");
        assertEquals(history, GroupEpoch.unpack(twoRanks, packed.length, 5));
        assertArrayEquals(packed, GroupEpoch.pack(GroupEpoch.unpack(packed, 0, 5), 5));
        assertThrows(IllegalArgumentException.class, () -> GroupEpoch.pack(history, 2));
    }

    @Test
    void readsTheLoopAndTheTrafficFromAnEpochsMetrics() {
        CommunicationMetrics communication = new CommunicationMetrics(94, 0.01, 0.02, 0.003, 0.004, 0.001, 0.005, 0,
                0, 0.5, 1e8, "[0-4]", 0, 0, 0.1).withTraffic(58_000, 2_800);
        PipelineMetrics pipeline = new PipelineMetrics(2, List.of(new StageTimes("decode", 94, 0.5, 0, 0.1),
                new StageTimes("student", 94, 9.0, 0.25, 0)));
        GroupEpoch epoch = GroupEpoch.of(new EpochMetrics(2, 188, 0.4, 0.83, Double.NaN, Double.NaN, 0.02, 21.5,
                communication, pipeline));
        assertEquals(new GroupEpoch(2, 188, 0.83, 21.5, 9.25, 0.01 + 0.02 + 0.005 + 0.003, 58_000, 2_800), epoch);
        GroupEpoch alone = GroupEpoch.of(new EpochMetrics(1, 94, 0.4, 0.8, Double.NaN, Double.NaN, 0.02, 10.0));
        assertTrue(Double.isNaN(alone.loopSeconds()) && Double.isNaN(alone.bytesSentPerStep()), alone.toString());
        assertFalse(Double.isNaN(alone.accuracy()));
    }
}
