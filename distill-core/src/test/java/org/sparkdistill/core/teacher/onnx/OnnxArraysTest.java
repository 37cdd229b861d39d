package org.sparkdistill.core.teacher.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class OnnxArraysTest {
    @Test
    void aDenseFloatArrayIsUsedAsItIsAndAnyOtherIsCopied() {
        INDArray dense = Nd4j.rand(DataType.FLOAT, 4, 3);
        assertSame(dense, OnnxArrays.dense(dense));
        for (INDArray other : new INDArray[] {dense.castTo(DataType.DOUBLE), dense.dup('f'),
                dense.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()), dense.getColumn(1)}) {
            INDArray copy = OnnxArrays.dense(other);
            assertNotSame(other, copy);
            assertEquals(other.castTo(DataType.FLOAT), copy);
            assertEquals('c', copy.ordering());
        }
    }

    @Test
    void aTensorSharesTheArraysMemory() throws OrtException {
        INDArray array = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}});
        try (OnnxTensor tensor = OnnxArrays.wrap(OrtEnvironment.getEnvironment(), array, new long[] {2, 3})) {
            assertEquals(java.util.Optional.of(true), tensor.getBufferRef().map(b -> b.isDirect()));
            array.putScalar(1, 2, 60f);
            float[][] seen = (float[][]) tensor.getValue();
            assertEquals(60f, seen[1][2], "ORT sees a write made through the array after the tensor was made");
            assertEquals(1f, seen[0][0]);
        }
    }
}
