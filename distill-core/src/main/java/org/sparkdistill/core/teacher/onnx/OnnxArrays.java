package org.sparkdistill.core.teacher.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J arrays handed to ONNX Runtime as tensors over their own off-heap memory, without a copy.
 *
 * <p>{@code OnnxTensor.createTensor} keeps a direct buffer as it is and copies any other; an array's data buffer is
 * direct, so ORT reads an input from, and writes a pinned output into, the array's memory. The array must stay
 * reachable until the tensor is closed.
 */
final class OnnxArrays {
    private OnnxArrays() {}

    /** {@code array} itself when it is float, C order and owns its whole buffer from offset 0; else such a copy. */
    static INDArray dense(INDArray array) {
        INDArray floats = array.dataType() == DataType.FLOAT ? array : array.castTo(DataType.FLOAT);
        boolean dense = floats.ordering() == 'c' && !floats.isView() && floats.offset() == 0
                && floats.data().offset() == 0 && floats.data().length() == floats.length();
        return dense ? floats : floats.dup('c');
    }

    /** A new, uninitialised float array in C order, dense as {@link #dense} requires. */
    static INDArray allocate(long rows, long width) {
        return Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, width}, 'c');
    }

    /**
     * A tensor of {@code shape} over the memory of {@code array}, which must be {@link #dense} and hold as many values
     * as the shape.
     */
    static OnnxTensor wrap(OrtEnvironment env, INDArray array, long[] shape) throws OrtException {
        // On a GPU backend the host copy may be stale; ORT reads and writes host memory.
        Nd4j.getAffinityManager().ensureLocation(array, AffinityManager.Location.HOST);
        FloatBuffer floats = array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (floats.capacity() < array.length()) {
            throw new IllegalStateException("the data buffer of an array of shape " + Arrays.toString(array.shape())
                    + " holds " + floats.capacity() + " values, fewer than its " + array.length());
        }
        return OnnxTensor.createTensor(env, floats.limit((int) array.length()), shape);
    }

    /** Tells ND4J that ONNX Runtime has written {@code array}'s host memory. */
    static void written(INDArray array) {
        Nd4j.getAffinityManager().tagLocation(array, AffinityManager.Location.HOST);
    }
}
