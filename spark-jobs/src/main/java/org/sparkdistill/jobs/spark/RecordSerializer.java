package org.sparkdistill.jobs.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * Writes a record as its components and reads it back through its canonical constructor.
 *
 * <p>Kryo 4 predates records: its field serializer cannot be built for one on Java 17 ({@code Unsafe} gives no field
 * offsets in a record), and setting fields would skip the checks and defensive copies of the canonical constructor.
 * Each component is written with its class, so components of interface type (a {@code Schedule}, a {@code List}) keep
 * their implementation. Instances are thread-safe.
 *
 * @param <T> the record type
 */
final class RecordSerializer<T extends Record> extends Serializer<T> {
    private final Class<T> type;
    private final Method[] accessors;
    private final Constructor<T> constructor;

    RecordSerializer(Class<T> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        accessors = Arrays.stream(components).map(RecordComponent::getAccessor).toArray(Method[]::new);
        try {
            constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
        }
        constructor.setAccessible(true);
        for (Method accessor : accessors) {
            accessor.setAccessible(true);
        }
    }

    @Override
    public void write(Kryo kryo, Output output, T record) {
        for (Method accessor : accessors) {
            try {
                kryo.writeClassAndObject(output, accessor.invoke(record));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new KryoException("could not read " + type.getName() + "." + accessor.getName() + "()", e);
            }
        }
    }

    @Override
    public T read(Kryo kryo, Input input, Class<T> requested) {
        Object[] values = new Object[accessors.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = kryo.readClassAndObject(input);
        }
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new KryoException("could not rebuild " + type.getName() + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new KryoException("could not rebuild " + type.getName() + " from components of types "
                    + Arrays.toString(Arrays.stream(values).map(v -> v == null ? null : v.getClass().getName())
                    .toArray()), e);
        }
    }
}
