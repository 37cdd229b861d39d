package org.sparkdistill.core.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Reads a contiguous single-precision ND4J array, a view included, as a direct buffer over its elements' bytes. */
final class FlatFloats {
    /** The most elements a buffer can span: its capacity in bytes is an int. */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE / Float.BYTES;

    private FlatFloats() {}

    /**
     * The bytes of {@code array}'s elements in memory order, in the platform's byte order, sharing its memory: writes to
     * the buffer change the array. Element {@code i} is at byte {@code i * Float.BYTES}.
     *
     * @param role names the array in errors, such as "the gradient view"
     * @throws IllegalStateException when the array is not float, not contiguous or too long for one buffer
     */
    static ByteBuffer of(INDArray array, String role) {
        if (array.dataType() != DataType.FLOAT) {
            throw new IllegalStateException(role + " has data type " + array.dataType() + "; the fused update needs FLOAT");
        }
        long length = array.length();
        if (length > MAX_ELEMENTS) {
            throw new IllegalStateException(role + " has " + length + " elements; the fused update takes at most "
                    + MAX_ELEMENTS);
        }
        if (length > 1 && array.elementWiseStride() != 1) {
            throw new IllegalStateException(role + " has element-wise stride " + array.elementWiseStride()
                    + "; the fused update needs contiguous elements (stride 1)");
        }
        // asNio spans the whole underlying allocation from its first byte; the view starts offset() elements in.
        ByteBuffer whole = array.data().asNio();
        long start = array.offset() * Float.BYTES;
        long bytes = length * Float.BYTES;
        if (start + bytes > whole.capacity()) {
            throw new IllegalStateException(role + " has " + length + " elements but its buffer holds only "
                    + (whole.capacity() - start) / Float.BYTES + " after offset " + array.offset());
        }
        return whole.slice((int) start, (int) bytes).order(ByteOrder.nativeOrder());
    }
}
