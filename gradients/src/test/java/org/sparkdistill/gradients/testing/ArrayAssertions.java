package org.sparkdistill.gradients.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Array comparisons whose strictness matches their names, in place of {@code assertEquals(INDArray, INDArray)}, which
 * accepts a difference of 1e-5 per element.
 */
public final class ArrayAssertions {
    private ArrayAssertions() {
    }

    /**
     * Asserts that both arrays have the same shape and data type and that every element is bit for bit the same
     * (a NaN equals a NaN of the same bits; +0 and -0 differ).
     */
    public static void assertIdentical(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dataType(), actual.dataType(), what + ": data type");
        double[] want = expected.castTo(DataType.DOUBLE).reshape(expected.length()).toDoubleVector();
        double[] got = actual.castTo(DataType.DOUBLE).reshape(actual.length()).toDoubleVector();
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
                fail(what + ": element " + i + " of " + want.length + " is " + got[i] + ", expected exactly " + want[i]
                        + " (" + differing(want, got) + " elements differ, the largest by " + largestDifference(want, got)
                        + ")");
            }
        }
    }

    /**
     * Asserts that {@code actual} lies within {@code tolerance} of {@code expected}, measured against how far the
     * expected values moved from {@code start}: ‖actual − expected‖ ≤ tolerance · ‖expected − start‖ (Frobenius norms).
     * Used where two computations of the same update differ only in the order of floating-point additions, so that an
     * error is judged against the update and not against the size of the values it was added to.
     *
     * @throws AssertionError also when {@code expected} did not move from {@code start} at all, since then the bound
     *         says nothing
     */
    public static void assertCloseRelativeToMove(INDArray start, INDArray expected, INDArray actual, double tolerance,
            String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertArrayEquals(expected.shape(), start.shape(), what + ": shape of the starting point");
        double moved = expected.castTo(DataType.DOUBLE).sub(start.castTo(DataType.DOUBLE)).norm2Number().doubleValue();
        if (!(moved > 0)) {
            fail(what + ": the expected values did not move from the starting point, so a relative bound proves nothing");
        }
        double error = actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)).norm2Number().doubleValue();
        if (!(error <= tolerance * moved)) {
            fail(what + ": ‖actual − expected‖ = " + error + " is " + (error / moved) + " of the distance moved "
                    + moved + ", more than " + tolerance);
        }
    }

    private static int differing(double[] want, double[] got) {
        int count = 0;
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
                count++;
            }
        }
        return count;
    }

    private static double largestDifference(double[] want, double[] got) {
        double largest = 0;
        for (int i = 0; i < want.length; i++) {
            largest = Math.max(largest, Math.abs(want[i] - got[i]));
        }
        return largest;
    }
}
