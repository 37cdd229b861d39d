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
 * fused optimizer update (see {@link Vectorization#describe()}). Where peers trained together, the model is the kept
 * peer (the one the last epoch's metrics describe) and every peer's zip comes along.
 *
 * @param peerZips every peer's model zip in peer order, {@code modelZip} among them; empty for a lone student
 * @param steps rank 0's steps in the attempt that finished (from its resume checkpoint on, if it resumed)
 */
public record TrainedStudent(byte[] modelZip, List<EpochMetrics> history, String computeBackend, List<byte[]> peerZips,
                             List<StepRecord> steps) implements Serializable {
    public TrainedStudent {
        history = List.copyOf(history);
        peerZips = List.copyOf(peerZips);
        steps = List.copyOf(steps);
    }

    /** This student with rank 0's steps. */
    public TrainedStudent withSteps(List<StepRecord> taken) {
        return new TrainedStudent(modelZip, history, computeBackend, peerZips, taken);
    }

    /** Serialises the network without updater state: the output is a model for inference. */
    public static TrainedStudent of(Model network, List<EpochMetrics> history) {
        return new TrainedStudent(zip(network), history, thisBackend(), List.of(), List.of());
    }

    /** Serialises every peer without updater state; the model is the peer the last epoch kept. */
    public static TrainedStudent ofPeers(List<? extends Model> peers, List<EpochMetrics> history) {
        List<byte[]> zips = peers.stream().map(TrainedStudent::zip).toList();
        int kept = history.isEmpty() ? 0 : history.get(history.size() - 1).peer();
        return new TrainedStudent(zips.get(kept), history, thisBackend(), zips, List.of());
    }

    private static byte[] zip(Model network) {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(network, zip, false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not serialise the trained student", e);
        }
        return zip.toByteArray();
    }

    private static String thisBackend() {
        return NativeBackend.describe() + ", fused update on " + Vectorization.best().describe();
    }
}
