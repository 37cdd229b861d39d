package org.sparkdistill.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class FlatFloatsTest {

    @Test
    void readsAndWritesTheElementsOfAView() {
        INDArray whole = Nd4j.arange(100).castTo(DataType.FLOAT).reshape(1, 100);
        INDArray view = whole.get(NDArrayIndex.point(0), NDArrayIndex.interval(30, 60));
        FloatBuffer buffer = FlatFloats.of(view, "the view").asFloatBuffer();
        assertEquals(30, buffer.capacity());
        assertEquals(30f, buffer.get(0));
        assertEquals(59f, buffer.get(29));
        buffer.put(0, -1f);
        assertEquals(-1f, whole.getFloat(0, 30), "writes land in the array");
        assertEquals(29f, whole.getFloat(0, 29), "the element before the view is untouched");
    }

    @Test
    void endsWhereAViewAtTheStartEnds() {
        INDArray whole = Nd4j.arange(10).castTo(DataType.FLOAT);
        INDArray head = whole.get(NDArrayIndex.interval(0, 4));
        FloatBuffer buffer = FlatFloats.of(head, "the head").asFloatBuffer();
        assertEquals(4, buffer.capacity());
        assertEquals(3f, buffer.get(3));
    }

    @Test
    void isInThePlatformsByteOrder() {
        ByteBuffer bytes = FlatFloats.of(Nd4j.create(new float[] {1.5f, -2f}), "the pair");
        assertEquals(ByteOrder.nativeOrder(), bytes.order());
        assertEquals(8, bytes.capacity());
        assertEquals(-2f, bytes.getFloat(4));
    }

    @Test
    void refusesAStridedView() {
        INDArray column = Nd4j.zeros(DataType.FLOAT, 4, 3).getColumn(1);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> FlatFloats.of(column, "a column"));
        assertTrue(error.getMessage().startsWith("a column has element-wise stride"), error.getMessage());
    }

    @Test
    void refusesDoubles() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> FlatFloats.of(Nd4j.zeros(DataType.DOUBLE, 3), "the parameters"));
        assertTrue(error.getMessage().contains("DOUBLE"), error.getMessage());
    }
}
