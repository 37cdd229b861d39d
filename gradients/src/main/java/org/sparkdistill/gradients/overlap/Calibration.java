package org.sparkdistill.gradients.overlap;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.partition.CostModelFit;

/**
 * Measures all-reduces of a range of sizes on the real ring, so the cost model has samples before the first step.
 *
 * <p>Sizes grow by factors of 4 from 4 KiB up to the whole gradient; each is all-reduced once to warm up, then
 * {@value #REPEATS} times measured. Every rank must run the same calibration at the same point.
 */
final class Calibration {
    static final int REPEATS = 2;
    private static final long SMALLEST_BYTES = 4 << 10;

    private Calibration() {}

    /** All-reduces scratch vectors of {@code dataType} up to {@code largestBytes} and records each into {@code fit}. */
    static void measure(Communicator group, long largestBytes, DataType dataType, CostModelFit fit) {
        if (group.size() == 1) {
            return;
        }
        int width = dataType.width();
        for (long bytes = Math.min(SMALLEST_BYTES, largestBytes); ; bytes = Math.min(bytes * 4, largestBytes)) {
            try (INDArray scratch = Nd4j.zeros(dataType, Math.max(1, bytes / width))) {
                group.allReduceSum(scratch);
                for (int repeat = 0; repeat < REPEATS; repeat++) {
                    long start = System.nanoTime();
                    group.allReduceSum(scratch);
                    fit.record(scratch.length() * width, (System.nanoTime() - start) / 1e9);
                }
            }
            if (bytes >= largestBytes) {
                return;
            }
        }
    }
}
