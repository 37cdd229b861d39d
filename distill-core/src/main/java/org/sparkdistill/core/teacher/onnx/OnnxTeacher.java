package org.sparkdistill.core.teacher.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.Sha256;
import org.sparkdistill.core.teacher.InputTransform;
import org.sparkdistill.core.teacher.OutputKind;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherDescription;

/**
 * A teacher backed by an ONNX model, run by ONNX Runtime in a session shared with every other teacher of the same
 * model in the JVM.
 *
 * <p>The model takes one float input, fed as the description's {@link org.sparkdistill.core.teacher.TeacherInput}
 * says. Its predictions come from one float output of shape {@code [N, C]}: probabilities (a {@code Softmax} node's
 * output, unless the description says otherwise) become log-probabilities, which equal the logits up to a per-row
 * constant. Hints may name any tensor of the graph; ONNX Runtime fetches only graph outputs, so the session's model
 * has the hints that are not graph outputs appended to its outputs. A model with a fixed batch size is refused.
 * {@link #logits} and {@link #activations} may be called from several threads at once; {@link #close} must not race
 * with them.
 */
public final class OnnxTeacher implements Teacher {
    private static final double MIN_PROBABILITY = 1e-30;

    private final String name;
    private final String origin;
    private final Path file;
    private final String sha256;
    private final int threads;
    private final OnnxGraph graph;
    private final InputTransform transform;
    private final long featureCount;
    private final String output;
    private final OutputKind kind;
    private final List<OnnxRunner> runners = new ArrayList<>();
    private volatile OnnxRunner runner;
    private volatile boolean closed;

    private OnnxTeacher(String name, String origin, Path file, String sha256, int threads, OnnxGraph graph,
            InputTransform transform, long featureCount, String output, OutputKind kind, OnnxRunner runner) {
        this.name = name;
        this.origin = origin;
        this.file = file;
        this.sha256 = sha256;
        this.threads = threads;
        this.graph = graph;
        this.transform = transform;
        this.featureCount = featureCount;
        this.output = output;
        this.kind = kind;
        this.runner = runner;
        this.runners.add(runner);
    }

    /**
     * Loads an ONNX model and checks, with one run on a row of zeros, that it takes the data and predicts {@code [N, C]}.
     *
     * @param file the model, on local disk; it is read again only if {@link #activations} asks for a tensor that is
     *     neither a graph output nor among the description's hints
     * @param name the teacher's name in messages
     * @param origin the file's location in messages (its place in storage when {@code file} is a local copy)
     * @param dataShape the data's example shape, channels first ({@code [C, H, W]} or {@code [D]})
     * @param threads ONNX Runtime's intra-op threads, if no other teacher in the JVM has loaded this model yet
     * @throws InvalidInputException naming the file or teacher, the value found and the value expected, when the file
     *     is not an ONNX model or the model does not fit the description or the data
     */
    public static OnnxTeacher load(Path file, String name, String origin, TeacherDescription description,
            long[] dataShape, int threads) {
        byte[] model = read(file, origin);
        OnnxGraph graph = OnnxGraph.parse(model, origin);
        List<String> tensors = graph.tensorNames();
        description.hints().forEach(hint -> OnnxModelChecks.requireTensor(name, tensors, hint));
        List<String> appended = appended(graph, Set.copyOf(description.hints()));
        String sha256 = Sha256.hex(model);
        OnnxSessions.Lease lease = OnnxSessions.shared().open(sha256, appended,
                () -> OnnxGraph.withOutputs(model, appended), threads, origin);
        try {
            OrtSession session = lease.session();
            InputTransform transform = OnnxModelChecks.bind(name, origin, description, dataShape, session);
            List<String> outputs = graph.outputs();
            String output = OnnxModelChecks.chooseOutput(name, origin, description.output(), outputs);
            OutputKind kind = description.outputKind() != null ? description.outputKind()
                    : graph.producer(output).equals("Softmax") ? OutputKind.PROBABILITIES : OutputKind.LOGITS;
            OnnxRunner runner = OnnxRunner.probe(lease, transform.batchShape(1));
            OnnxModelChecks.requirePredictions(name, origin, output, runner);
            OnnxModelChecks.requireHints(name, origin, description.hints(), runner);
            return new OnnxTeacher(name, origin, file, sha256, threads, graph, transform,
                    LongStream.of(dataShape).reduce(1, Math::multiplyExact), output, kind, runner);
        } catch (OrtException e) {
            lease.close();
            throw new InvalidInputException("teacher '" + name + "' (" + origin + ") cannot run on a row of zeros"
                    + " shaped as the data's examples " + Arrays.toString(dataShape) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    private static byte[] read(Path file, String origin) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("teacher model file " + origin + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read teacher model file " + origin + ": " + e.getMessage(), e);
        }
    }

    /** The hints that are not graph outputs, in graph order, so that one set of hints always gives one model. */
    private static List<String> appended(OnnxGraph graph, Set<String> hints) {
        return graph.tensorNames().stream().filter(hints::contains).filter(t -> !graph.outputs().contains(t)).toList();
    }

    @Override
    public String name() {
        return name;
    }

    /** The values in the model's initializers, where ONNX keeps trained weights. */
    @Override
    public OptionalLong parameterCount() {
        return OptionalLong.of(graph.parameterCount());
    }

    /** What the chosen output holds, as described or as told from the model. */
    public OutputKind outputKind() {
        return kind;
    }

    @Override
    public INDArray logits(INDArray features) {
        return logitsAndActivations(features, List.of()).get(0);
    }

    /** Every tensor of the graph, in graph order: node outputs, then any graph output that no node produces. */
    @Override
    public List<String> layerNames() {
        return graph.tensorNames();
    }

    @Override
    public void requireLayers(List<String> layers) {
        List<String> tensors = graph.tensorNames();
        layers.forEach(layer -> OnnxModelChecks.requireTensor(name, tensors, layer));
    }

    @Override
    public List<INDArray> activations(INDArray features, List<String> layers) {
        requireLayers(layers);
        return layers.isEmpty() ? List.of() : run(features, layers, false);
    }

    /**
     * The logits followed by the named tensors' values, each {@code [N, width]}, from one run of the model.
     *
     * @throws InvalidInputException when a tensor is unknown, as {@link #requireLayers} says
     */
    @Override
    public List<INDArray> logitsAndActivations(INDArray features, List<String> layers) {
        requireLayers(layers);
        return run(features, layers, true);
    }

    private List<INDArray> run(INDArray features, List<String> layers, boolean withLogits) {
        if (closed) {
            throw new IllegalStateException("teacher '" + name + "' is closed");
        }
        OnnxRunner fetching = runnerFor(layers);
        List<String> asked = new ArrayList<>();
        if (withLogits) {
            asked.add(output);
        }
        asked.addAll(layers);
        INDArray batch = OnnxArrays.dense(transform.apply(requireRows(features)));
        long n = batch.size(0);
        Map<String, INDArray> values;
        try {
            values = n == 0 ? empty(fetching, asked) : fetching.run(batch, transform.batchShape(n), asked);
        } catch (OrtException e) {
            throw new IllegalStateException("teacher '" + name + "' (" + origin + ") failed on a batch of shape "
                    + Arrays.toString(batch.shape()) + ": " + e.getMessage(), e);
        }
        List<INDArray> results = new ArrayList<>(asked.size());
        for (String tensor : asked) {
            results.add(values.get(tensor));
        }
        if (withLogits && kind == OutputKind.PROBABILITIES) {
            Transforms.log(Transforms.max(results.get(0), MIN_PROBABILITY, false), false);
        }
        return results;
    }

    private INDArray requireRows(INDArray features) {
        if (features.rank() != 2 || features.size(1) != featureCount) {
            throw new InvalidInputException("teacher '" + name + "' takes rows of " + featureCount + " features, but"
                    + " got an array of shape " + Arrays.toString(features.shape()));
        }
        return features;
    }

    private static Map<String, INDArray> empty(OnnxRunner runner, List<String> tensors) {
        Map<String, INDArray> values = new HashMap<>();
        for (String tensor : tensors) {
            long width = LongStream.of(runner.exampleShape(tensor)).reduce(1, Math::multiplyExact);
            values.put(tensor, Nd4j.create(DataType.FLOAT, 0, width));
        }
        return values;
    }

    /**
     * A runner whose session gives every tensor in {@code layers}: the current one, or a new one whose model has the
     * missing tensors appended too, made from the file read again.
     */
    private OnnxRunner runnerFor(List<String> layers) {
        OnnxRunner current = runner;
        return layers.stream().allMatch(current::has) ? current : widen(layers);
    }

    private synchronized OnnxRunner widen(List<String> layers) {
        OnnxRunner current = runner;
        for (String layer : layers) {
            if (!current.has(layer) && current.whyUnfetchable(layer) != null) {
                throw unfetchable(layer, current);
            }
        }
        if (layers.stream().allMatch(current::has)) {
            return current;
        }
        Set<String> wanted = new LinkedHashSet<>(layers);
        graph.tensorNames().stream().filter(current::has).forEach(wanted::add);
        List<String> appended = appended(graph, wanted);
        byte[] model = read(file, origin);
        if (!Sha256.hex(model).equals(sha256)) {
            throw new IllegalStateException("teacher model file " + origin + " (local copy " + file + ") has changed"
                    + " since teacher '" + name + "' loaded it");
        }
        OnnxSessions.Lease lease = OnnxSessions.shared().open(sha256, appended,
                () -> OnnxGraph.withOutputs(model, appended), threads, origin);
        OnnxRunner widened;
        try {
            widened = OnnxRunner.probe(lease, transform.batchShape(1));
        } catch (OrtException e) {
            throw new IllegalStateException("teacher '" + name + "' (" + origin + ") cannot run with outputs "
                    + appended + " added: " + e.getMessage(), e);
        }
        // Runs under way may still use the older runner; it is closed with the teacher.
        runners.add(widened);
        runner = widened;
        for (String layer : layers) {
            if (!widened.has(layer)) {
                throw unfetchable(layer, widened);
            }
        }
        return widened;
    }

    private InvalidInputException unfetchable(String tensor, OnnxRunner runner) {
        String why = runner.whyUnfetchable(tensor);
        return new InvalidInputException("teacher '" + name + "' tensor '" + tensor + "' "
                + (why == null ? "is not an output of its session" : why)
                + "; a hint must be float, with the batch as its first axis");
    }

    /** Gives up this teacher's sessions; closing twice is harmless. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            runners.forEach(OnnxRunner::close);
        }
    }

    @Override
    public String toString() {
        return "OnnxTeacher(" + name + ", " + origin + ")";
    }
}
