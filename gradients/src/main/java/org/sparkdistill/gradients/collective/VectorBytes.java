package org.sparkdistill.gradients.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The bytes of a contiguous ND4J vector as a buffer over the same memory, so transports read and write it in place. */
final class VectorBytes {
    private VectorBytes() {
    }

    /** Elements {@code [from, to)} of {@code vector}, which must be contiguous. */
    static ByteBuffer of(INDArray vector, long from, long to) {
        int width = vector.dataType().width();
        ByteBuffer whole = vector.data().asNio().order(ByteOrder.nativeOrder());
        long start = (vector.offset() + from) * width;
        long end = (vector.offset() + to) * width;
        whole.limit(Math.toIntExact(end)).position(Math.toIntExact(start));
        return whole.slice().order(ByteOrder.nativeOrder());
    }

    /** All bytes of {@code vector}, after {@link #requireFlat checking} it can be used in place. */
    static ByteBuffer whole(INDArray vector, String what) {
        requireFlat(vector, what);
        return vector.length() == 0 ? ByteBuffer.allocate(0) : of(vector, 0, vector.length());
    }

    /** Adds the numbers in {@code source} to those in {@code target}, element by element, both in native order. */
    static void add(ByteBuffer target, ByteBuffer source, boolean doubles) {
        if (doubles) {
            DoubleBuffer t = target.asDoubleBuffer();
            DoubleBuffer s = source.asDoubleBuffer();
            for (int i = 0, n = s.limit(); i < n; i++) {
                t.put(i, t.get(i) + s.get(i));
            }
        } else {
            FloatBuffer t = target.asFloatBuffer();
            FloatBuffer s = source.asFloatBuffer();
            for (int i = 0, n = s.limit(); i < n; i++) {
                t.put(i, t.get(i) + s.get(i));
            }
        }
    }

    /** Checks that {@code vector} is a contiguous vector of floating-point numbers the collectives can use in place. */
    static void requireFlat(INDArray vector, String what) {
        if (vector == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (vector.dataType() != DataType.FLOAT && vector.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(what + " must hold FLOAT or DOUBLE numbers, got " + vector.dataType());
        }
        if (vector.length() > 1 && (!vector.isVector() || vector.elementWiseStride() != 1)) {
            throw new IllegalArgumentException(what + " must be a contiguous vector, got shape "
                    + java.util.Arrays.toString(vector.shape()) + " with element stride " + vector.elementWiseStride());
        }
    }
}
