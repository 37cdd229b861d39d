package org.sparkdistill.core.optim;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Reads a contiguous single-precision ND4J array, a view included, as a direct {@link FloatBuffer} over its elements. */
final class FlatFloats {
    private FlatFloats() {}

    /**
     * The elements of {@code array} in memory order, sharing its memory: writes to the buffer change the array.
     *
     * @param role names the array in errors, such as "the gradient view"
     * @throws IllegalStateException when the array is not float, not contiguous or not addressable by int
     */
    static FloatBuffer of(INDArray array, String role) {
        if (array.dataType() != DataType.FLOAT) {
            throw new IllegalStateException(role + " has data type " + array.dataType() + "; the fused update needs FLOAT");
        }
        long length = array.length();
        if (length > Integer.MAX_VALUE) {
            throw new IllegalStateException(role + " has " + length + " elements; the fused update takes at most "
                    + Integer.MAX_VALUE);
        }
        if (length > 1 && array.elementWiseStride() != 1) {
            throw new IllegalStateException(role + " has element-wise stride " + array.elementWiseStride()
                    + "; the fused update needs contiguous elements (stride 1)");
        }
        // asNioFloat spans the whole underlying allocation, positioned at this array's first element.
        FloatBuffer whole = array.data().asNioFloat();
        if (whole.order() != ByteOrder.nativeOrder()) {
            throw new IllegalStateException(role + " is in " + whole.order() + " byte order; expected the platform's "
                    + ByteOrder.nativeOrder());
        }
        whole.position(Math.toIntExact(array.offset()));
        if (whole.remaining() < length) {
            throw new IllegalStateException(role + " has " + length + " elements but only " + whole.remaining()
                    + " remain in its buffer after offset " + whole.position());
        }
        whole.limit(whole.position() + (int) length);
        return whole.slice();
    }
}
