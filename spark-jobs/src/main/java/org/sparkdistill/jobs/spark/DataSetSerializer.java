package org.sparkdistill.jobs.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Writes an ND4J {@link DataSet} as its features, labels, both masks (any of them null), label names, and whether it
 * has been preprocessed.
 *
 * <p>Example metadata is refused rather than dropped: it holds arbitrary {@code Serializable} objects that Kryo would
 * need registered one by one. The deprecated column names are not carried. Instances are thread-safe.
 */
final class DataSetSerializer extends Serializer<DataSet> {
    private final NDArraySerializer arrays;

    DataSetSerializer(NDArraySerializer arrays) {
        this.arrays = arrays;
    }

    @Override
    public void write(Kryo kryo, Output output, DataSet data) {
        List<?> metaData = data.getExampleMetaData();
        if (metaData != null && !metaData.isEmpty()) {
            throw new KryoException("cannot serialize a DataSet with example metadata (" + metaData.size()
                    + " entries): only arrays, label names and the preprocessed mark are serialized;"
                    + " set the metadata to null first");
        }
        kryo.writeObjectOrNull(output, data.getFeatures(), arrays);
        kryo.writeObjectOrNull(output, data.getLabels(), arrays);
        kryo.writeObjectOrNull(output, data.getFeaturesMaskArray(), arrays);
        kryo.writeObjectOrNull(output, data.getLabelsMaskArray(), arrays);
        writeNames(output, data.getLabelNamesList());
        output.writeBoolean(data.isPreProcessed());
    }

    @Override
    public DataSet read(Kryo kryo, Input input, Class<DataSet> requested) {
        INDArray features = kryo.readObjectOrNull(input, INDArray.class, arrays);
        INDArray labels = kryo.readObjectOrNull(input, INDArray.class, arrays);
        INDArray featuresMask = kryo.readObjectOrNull(input, INDArray.class, arrays);
        INDArray labelsMask = kryo.readObjectOrNull(input, INDArray.class, arrays);
        DataSet data = new DataSet(features, labels, featuresMask, labelsMask);
        data.setLabelNames(readNames(input));
        if (input.readBoolean()) {
            data.markAsPreProcessed();
        }
        return data;
    }

    /** Writes the count plus one, zero for null, then each name. */
    private static void writeNames(Output output, List<String> names) {
        output.writeVarInt(names == null ? 0 : names.size() + 1, true);
        if (names != null) {
            names.forEach(output::writeString);
        }
    }

    private static List<String> readNames(Input input) {
        int count = input.readVarInt(true) - 1;
        if (count < 0) {
            return null;
        }
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(input.readString());
        }
        return names;
    }
}
