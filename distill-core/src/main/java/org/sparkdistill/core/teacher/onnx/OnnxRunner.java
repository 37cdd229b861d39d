package org.sparkdistill.core.teacher.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a shared session on batches, writing the outputs asked for straight into new ND4J arrays.
 *
 * <p>Each output's shape for one example is learnt at construction from a run on a batch of one row of zeros; an
 * output whose first axis is not the batch, or whose values are not float, cannot be fetched. Thread-safe: runs share
 * the session, which ONNX Runtime allows.
 */
final class OnnxRunner implements AutoCloseable {
    private final OnnxSessions.Lease lease;
    private final String input;
    private final Map<String, long[]> exampleShapes;
    private final Map<String, String> unfetchable;

    private OnnxRunner(OnnxSessions.Lease lease, String input, Map<String, long[]> exampleShapes,
            Map<String, String> unfetchable) {
        this.lease = lease;
        this.input = input;
        this.exampleShapes = exampleShapes;
        this.unfetchable = unfetchable;
    }

    /**
     * Probes every output of the leased session with a batch of one row of zeros shaped {@code probeShape}; the lease
     * is closed if the probe fails.
     *
     * @throws OrtException when the session cannot run the probe
     */
    static OnnxRunner probe(OnnxSessions.Lease lease, long[] probeShape) throws OrtException {
        try {
            OrtSession session = lease.session();
            String input = session.getInputNames().iterator().next();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, String> unfetchable = new LinkedHashMap<>();
            LinkedHashSet<String> floats = new LinkedHashSet<>();
            for (Map.Entry<String, NodeInfo> output : session.getOutputInfo().entrySet()) {
                if (output.getValue().getInfo() instanceof TensorInfo tensor && tensor.type == OnnxJavaType.FLOAT) {
                    floats.add(output.getKey());
                } else {
                    unfetchable.put(output.getKey(), "holds " + output.getValue().getInfo() + ", not float tensors");
                }
            }
            INDArray zeros = Nd4j.zeros(DataType.FLOAT, probeShape);
            try (OnnxTensor x = OnnxArrays.wrap(OrtEnvironment.getEnvironment(), zeros, probeShape);
                    OrtSession.Result result = session.run(Map.of(input, x), floats)) {
                for (Map.Entry<String, OnnxValue> output : result) {
                    long[] shape = ((TensorInfo) output.getValue().getInfo()).getShape();
                    if (shape.length == 0 || shape[0] != 1) {
                        unfetchable.put(output.getKey(), "has shape " + Arrays.toString(shape)
                                + " for a batch of 1, so its first axis is not the batch");
                    } else {
                        shapes.put(output.getKey(), Arrays.copyOfRange(shape, 1, shape.length));
                    }
                }
            }
            return new OnnxRunner(lease, input, shapes, unfetchable);
        } catch (OrtException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** The shape of {@code output} for one example, or null when it cannot be fetched. */
    long[] exampleShape(String output) {
        long[] shape = exampleShapes.get(output);
        return shape == null ? null : shape.clone();
    }

    /** Why {@code output} cannot be fetched, or null when it can be. */
    String whyUnfetchable(String output) {
        return unfetchable.get(output);
    }

    /** Whether the session can give {@code output}. */
    boolean has(String output) {
        return exampleShapes.containsKey(output);
    }

    /**
     * The named outputs for a batch, each as a new {@code [N, width]} float array in C order.
     *
     * @param batch the model's input, {@link OnnxArrays#dense dense}, shaped {@code shape}
     * @param outputs outputs this runner {@link #has}
     */
    Map<String, INDArray> run(INDArray batch, long[] shape, Collection<String> outputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long n = shape[0];
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
        try (OnnxTensor x = OnnxArrays.wrap(env, batch, shape)) {
            for (String output : new LinkedHashSet<>(outputs)) {
                long[] example = exampleShapes.get(output);
                long[] full = new long[example.length + 1];
                full[0] = n;
                System.arraycopy(example, 0, full, 1, example.length);
                INDArray array = OnnxArrays.allocate(n, Arrays.stream(example).reduce(1, Math::multiplyExact));
                arrays.put(output, array);
                pinned.put(output, OnnxArrays.wrap(env, array, full));
            }
            // The outputs are pinned: ORT writes them into the arrays' memory, and the result does not own them.
            try (OrtSession.Result ignored = lease.session().run(Map.of(input, x), pinned)) {
                arrays.values().forEach(OnnxArrays::written);
            }
        } finally {
            pinned.values().forEach(OnnxTensor::close);
        }
        return arrays;
    }

    /** Gives up this runner's use of the shared session. */
    @Override
    public void close() {
        lease.close();
    }
}
