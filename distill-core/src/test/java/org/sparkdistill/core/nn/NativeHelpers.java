package org.sparkdistill.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Builds networks on DL4J's built-in layer path or on the native helper path, and compares their arrays. */
final class NativeHelpers {
    /** Relative tolerance of a float32 sum of up to {@value #TERMS} terms computed in another order. */
    static final double RTOL = 1e-4;
    private static final int TERMS = 1024;

    private NativeHelpers() {}

    /** Whatever {@code build} makes, with DL4J's layer helpers on or off while its layers are created. */
    static <T> T building(boolean helpers, Supplier<T> build) {
        String previous = System.getProperty(NativeBackend.HELPERS_DISABLE_PROPERTY);
        System.setProperty(NativeBackend.HELPERS_DISABLE_PROPERTY, String.valueOf(!helpers));
        try {
            return build.get();
        } finally {
            if (previous == null) {
                System.clearProperty(NativeBackend.HELPERS_DISABLE_PROPERTY);
            } else {
                System.setProperty(NativeBackend.HELPERS_DISABLE_PROPERTY, previous);
            }
        }
    }

    /**
     * Asserts that every element of {@code actual} is within {@link #RTOL} of {@code expected}, relative to the
     * element or, for elements below a hundredth of the largest magnitude, to that hundredth: a sum of many float32
     * terms that nearly cancel keeps only the absolute error of the large terms.
     */
    static void assertClose(String what, INDArray expected, INDArray actual) {
        assertClose(what, expected, actual, RTOL);
    }

    /**
     * The tolerance for sums of {@code terms} float32 terms: the rounding error of terms of random sign grows with the
     * square root of their number. oneDNN's weight gradient of a one-channel convolution over 36,864 positions is
     * 1.8e-4 from a float64 computation where DL4J's im2col path is 1.9e-5.
     */
    static double toleranceForSumsOf(long terms) {
        return RTOL * Math.max(1, Math.sqrt((double) terms / TERMS));
    }

    /** As {@link #assertClose(String, INDArray, INDArray)}, within {@code rtol}. */
    static void assertClose(String what, INDArray expected, INDArray actual, double rtol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double floor = 1e-2 * Math.max(expected.amaxNumber().doubleValue(), Float.MIN_NORMAL);
        INDArray scale = Transforms.max(Transforms.abs(expected, true), floor, false);
        double worst = Transforms.abs(expected.sub(actual), false).divi(scale).maxNumber().doubleValue();
        if (!(worst <= rtol)) {
            fail(what + ": relative difference " + worst + " exceeds " + rtol);
        }
    }
}
