package org.sparkdistill.jobs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.sparkdistill.core.nn.NativeBackend;
import org.deeplearning4j.util.ModelSerializer;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.optim.Vectorization;

/**
 * What a training task sends back to the driver: the trained model as a DL4J zip, its per-epoch metrics, and what it
 * was computed with: the native build (see {@link NativeBackend#describe()}) and how the task's JVM vectorizes the
 * fused optimizer update (see {@link Vectorization#describe()}).
 */
public record TrainedStudent(byte[] modelZip, List<EpochMetrics> history, String computeBackend)
        implements Serializable {
    public TrainedStudent {
        history = List.copyOf(history);
    }

    /** Serialises the network without updater state: the output is a model for inference. */
    public static TrainedStudent of(Model network, List<EpochMetrics> history) {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(network, zip, false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not serialise the trained student", e);
        }
        return new TrainedStudent(zip.toByteArray(), history,
                NativeBackend.describe() + ", fused update on " + Vectorization.best().describe());
    }
}
