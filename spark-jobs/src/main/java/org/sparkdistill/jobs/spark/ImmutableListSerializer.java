package org.sparkdistill.jobs.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.List;

/**
 * Writes the unmodifiable lists of {@code List.of} and {@code List.copyOf}, which records keep, and reads them back as
 * such.
 *
 * <p>Kryo's collection serializer cannot rebuild them: it adds elements one by one to an empty instance. Elements are
 * written with their class; a null element is refused, since {@code List.of} refuses it. Instances are thread-safe.
 */
final class ImmutableListSerializer extends Serializer<List<?>> {
    @Override
    public void write(Kryo kryo, Output output, List<?> list) {
        output.writeVarInt(list.size(), true);
        for (int i = 0; i < list.size(); i++) {
            Object element = list.get(i);
            if (element == null) {
                throw new KryoException("cannot serialize element " + i + " of an unmodifiable " + list.size()
                        + "-element list: it is null");
            }
            kryo.writeClassAndObject(output, element);
        }
    }

    @Override
    public List<?> read(Kryo kryo, Input input, Class<List<?>> requested) {
        Object[] elements = new Object[input.readVarInt(true)];
        for (int i = 0; i < elements.length; i++) {
            elements[i] = kryo.readClassAndObject(input);
        }
        return List.of(elements);
    }
}
