package org.sparkdistill.core.metrics;

import java.io.Serializable;

/**
 * One confidence bin of a reliability diagram: the rows whose top probability fell in {@code [lower, upper)}, their
 * mean confidence and how often their top class was right.
 *
 * <p>See: Guo C., Pleiss G., Sun Y., Weinberger K. "On Calibration of Modern Neural Networks", ICML 2017.
 *
 * @param rows how many rows fell in the bin
 * @param confidence their mean top probability; NaN for an empty bin
 * @param accuracy the fraction of them whose top class was the label; NaN for an empty bin
 */
public record ReliabilityBin(double lower, double upper, long rows, double confidence, double accuracy)
        implements Serializable {}
