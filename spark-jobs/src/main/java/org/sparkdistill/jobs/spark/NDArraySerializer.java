package org.sparkdistill.jobs.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes an ND4J array as its data type, ordering, shape and elements, so that any backend can read it back.
 *
 * <p>Format: the data type's name, the ordering ({@code 'c'} or {@code 'f'}), whether the array is empty, the rank,
 * each dimension, then {@code length × width} bytes of elements in that ordering and the platform's byte order
 * (little-endian on every platform ND4J ships natives for). A view is written as its own elements, not its parent's
 * buffer, and is read back as a new array that owns its data. Arrays are read outside any workspace. String
 * ({@code UTF8}) arrays are refused. Instances are stateless and thread-safe.
 */
final class NDArraySerializer extends Serializer<INDArray> {
    private static final int CHUNK = 1 << 16;

    @Override
    public void write(Kryo kryo, Output output, INDArray array) {
        DataType type = array.dataType();
        if (type.width() <= 0) {
            throw new KryoException("cannot serialize an INDArray of data type " + type + " and shape "
                    + Arrays.toString(array.shape()) + ": only numeric and BOOL arrays are supported");
        }
        char order = array.ordering() == 'f' ? 'f' : 'c';
        output.writeString(type.name());
        output.writeByte(order);
        output.writeBoolean(array.isEmpty());
        output.writeVarInt(array.rank(), true);
        for (long dimension : array.shape()) {
            output.writeVarLong(dimension, true);
        }
        if (!array.isEmpty()) {
            writeElements(output, ownElements(array, order), type);
        }
    }

    @Override
    public INDArray read(Kryo kryo, Input input, Class<INDArray> requested) {
        DataType type = dataType(input.readString());
        char order = (char) input.readByte();
        boolean empty = input.readBoolean();
        long[] shape = new long[input.readVarInt(true)];
        for (int d = 0; d < shape.length; d++) {
            shape[d] = input.readVarLong(true);
        }
        if (empty) {
            return shape.length == 0 ? Nd4j.empty(type) : Nd4j.create(type, shape, order);
        }
        INDArray array = Nd4j.createUninitializedDetached(type, order, shape);
        ByteBuffer target = array.data().asNio();
        long left = byteCount(array);
        byte[] chunk = new byte[(int) Math.min(CHUNK, left)];
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            input.readBytes(chunk, 0, n);
            target.put(chunk, 0, n);
            left -= n;
        }
        Nd4j.getAffinityManager().tagLocation(array, AffinityManager.Location.HOST);
        return array;
    }

    private static DataType dataType(String name) {
        try {
            return DataType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new KryoException("serialized INDArray has unknown data type '" + name + "'", e);
        }
    }

    /** The array itself when its buffer holds exactly its elements in order, otherwise a copy that does. */
    private static INDArray ownElements(INDArray array, char order) {
        boolean own = !array.isView() && array.offset() == 0 && array.ordering() == order
                && array.data().length() == array.length() && Shape.hasDefaultStridesForShape(array);
        return own ? array : array.dup(order);
    }

    private static void writeElements(Output output, INDArray array, DataType type) {
        long bytes = byteCount(array);
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new KryoException("cannot serialize an INDArray of " + bytes + " bytes (" + type + ", shape "
                    + Arrays.toString(array.shape()) + "): the limit is 2 GB");
        }
        Nd4j.getAffinityManager().ensureLocation(array, AffinityManager.Location.HOST);
        ByteBuffer source = array.data().asNio();
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            source.get(chunk, 0, n);
            output.writeBytes(chunk, 0, n);
            left -= n;
        }
    }

    private static long byteCount(INDArray array) {
        return array.length() * array.dataType().width();
    }
}
