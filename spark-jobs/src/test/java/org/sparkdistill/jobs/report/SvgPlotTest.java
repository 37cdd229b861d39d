package org.sparkdistill.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgPlotTest {
    @Test
    void ticksAreOneTwoOrFiveTimesAPowerOfTenAndCoverTheData() {
        SvgPlot.Scale scale = SvgPlot.Scale.of(SvgPlot.Axis.of("accuracy"), List.of(81.3, 85.7), 250, 30);
        assertEquals(List.of(81.0, 82.0, 83.0, 84.0, 85.0, 86.0), scale.ticks());
        assertEquals(List.of("81", "86"), List.of(scale.label(81), scale.label(86)));
        assertEquals(250, scale.at(81), 1e-9);
        assertEquals(30, scale.at(86), 1e-9);
        SvgPlot.Scale small = SvgPlot.Scale.of(SvgPlot.Axis.of("loss"), List.of(0.012, 0.093), 0, 1);
        assertEquals(List.of("0.00", "0.02", "0.04", "0.06", "0.08", "0.10"),
                small.ticks().stream().map(small::label).toList());
    }

    @Test
    void integerAxesStepByWholeNumbersAndAFlatSeriesStillGetsARange() {
        SvgPlot.Scale epochs = SvgPlot.Scale.of(SvgPlot.Axis.integers("epoch"), List.of(1.0, 2.0), 0, 100);
        assertEquals(List.of(1.0, 2.0), epochs.ticks());
        SvgPlot.Scale one = SvgPlot.Scale.of(SvgPlot.Axis.integers("epoch"), List.of(1.0), 0, 100);
        assertEquals(List.of(0.0, 1.0, 2.0), one.ticks());
        SvgPlot.Scale fixed = SvgPlot.Scale.of(SvgPlot.Axis.fixed("accuracy (%)", 0, 100), List.of(40.0), 0, 100);
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0, 100.0), fixed.ticks());
    }
}
