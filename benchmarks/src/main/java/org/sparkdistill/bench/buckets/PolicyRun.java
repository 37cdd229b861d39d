package org.sparkdistill.bench.buckets;

import org.sparkdistill.core.metrics.CommunicationMetrics;

/**
 * One measured run of one policy: rank 0's step breakdown over the measured steps, and the wall time per step.
 *
 * @param wallStepSeconds the measured steps' wall time divided by their number
 * @param busyProcessorSecondsPerStep the whole machine's busy processor time over the measured steps divided by their
 *     number ({@link ProcessorTime}), NaN where it cannot be read
 */
record PolicyRun(String policy, int round, CommunicationMetrics metrics, double wallStepSeconds,
                 double busyProcessorSecondsPerStep) {
}
