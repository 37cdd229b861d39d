package org.sparkdistill.gradients.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** Checks that {@code vector} is a contiguous vector of floating-point numbers the collectives can use in place. */
    static INDArray requireFlat(INDArray vector, String what) {
        if (vector == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (!vector.dataType().isFPType()) {
            throw new IllegalArgumentException(what + " must hold floating-point numbers, got " + vector.dataType());
        }
        if (vector.length() > 1 && (!vector.isVector() || vector.elementWiseStride() != 1)) {
            throw new IllegalArgumentException(what + " must be a contiguous vector, got shape "
                    + java.util.Arrays.toString(vector.shape()) + " with element stride " + vector.elementWiseStride());
        }
        return vector.length() == 0 ? vector : vector.reshape(vector.length());
    }
}
