package org.sparkdistill.core.teacher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.io.ModelZip;

/**
 * A teacher backed by a DL4J {@link MultiLayerNetwork} or single-output {@link ComputationGraph}.
 *
 * <p>A softmax output is turned back into logits as log-probabilities (equal to the raw logits up to a per-row
 * constant); an identity output is taken as logits already. A MultiLayerNetwork's layers are named by index ("0") or by
 * name (DL4J names an unnamed layer "layer0", "layer1", …); a ComputationGraph's by vertex name. Not thread-safe, like
 * the network it wraps.
 */
public final class Dl4jTeacher implements Teacher {
    private static final double MIN_PROBABILITY = 1e-30;

    private final String name;
    private final Model model;
    private final boolean outputsProbabilities;

    private Dl4jTeacher(String name, Model model, IActivation outputActivation) {
        if (!(outputActivation instanceof ActivationSoftmax) && !(outputActivation instanceof ActivationIdentity)) {
            throw new InvalidInputException("teacher '" + name + "' has output activation " + outputActivation
                    + "; a teacher's output layer must be softmax or identity");
        }
        this.name = name;
        this.model = model;
        this.outputsProbabilities = outputActivation instanceof ActivationSoftmax;
    }

    /** Wraps a network already in memory. */
    public static Dl4jTeacher of(String name, MultiLayerNetwork network) {
        return new Dl4jTeacher(name, network, activationOf(name, network.getOutputLayer()));
    }

    /** Wraps a graph already in memory; it must have exactly one output. */
    public static Dl4jTeacher of(String name, ComputationGraph graph) {
        if (graph.getNumOutputArrays() != 1) {
            throw new InvalidInputException("teacher '" + name + "' has " + graph.getNumOutputArrays()
                    + " outputs; a teacher graph must have exactly 1");
        }
        return new Dl4jTeacher(name, graph, activationOf(name, graph.getOutputLayer(0)));
    }

    /**
     * Loads a model zip written by DL4J's {@code ModelSerializer}, checked by {@link ModelZip}.
     *
     * @throws InvalidInputException naming the file when it is missing, refused or not a DL4J model zip
     */
    public static Dl4jTeacher load(Path file) {
        return of(file.getFileName().toString(), ModelZip.read(file, "teacher model file"));
    }

    /** Builds the network a checked model zip holds, telling the two model kinds apart by their configuration. */
    public static Dl4jTeacher of(String name, ModelZip zip) {
        return zip.isComputationGraph() ? of(name, zip.computationGraph()) : of(name, zip.multiLayerNetwork(false));
    }

    private static IActivation activationOf(String name, Layer outputLayer) {
        if (!(outputLayer instanceof BaseOutputLayer<?> output)) {
            throw new InvalidInputException("teacher '" + name + "' ends in " + outputLayer.getClass().getSimpleName()
                    + "; a teacher must end in an output layer");
        }
        return output.layerConf().getActivationFn();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public INDArray logits(INDArray features) {
        INDArray output = model instanceof MultiLayerNetwork network
                ? network.output(features, false)
                : ((ComputationGraph) model).outputSingle(false, features);
        return outputsProbabilities ? Transforms.log(Transforms.max(output, MIN_PROBABILITY, false), false) : output;
    }

    @Override
    public List<String> layerNames() {
        if (model instanceof MultiLayerNetwork network) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < network.getnLayers(); i++) {
                names.add(network.getLayerWiseConfigurations().getConf(i).getLayer().getLayerName());
            }
            return names;
        }
        ComputationGraph graph = (ComputationGraph) model;
        List<String> inputs = graph.getConfiguration().getNetworkInputs();
        return graph.getConfiguration().getTopologicalOrderStr().stream().filter(v -> !inputs.contains(v)).toList();
    }

    @Override
    public void requireLayers(List<String> layers) {
        layers.forEach(this::resolve);
    }

    @Override
    public List<INDArray> activations(INDArray features, List<String> layers) {
        if (layers.isEmpty()) {
            return List.of();
        }
        List<INDArray> flat = new ArrayList<>(layers.size());
        if (model instanceof MultiLayerNetwork network) {
            int[] indices = layers.stream().mapToInt(layer -> (Integer) resolve(layer)).toArray();
            // Element 0 is the input, element i + 1 the activations of layer i.
            List<INDArray> all = network.feedForwardToLayer(Arrays.stream(indices).max().getAsInt(), features, false);
            for (int index : indices) {
                flat.add(flatten(all.get(index + 1)));
            }
        } else {
            layers.forEach(this::resolve);
            Map<String, INDArray> all = ((ComputationGraph) model).feedForward(features, false);
            for (String layer : layers) {
                flat.add(flatten(all.get(layer)));
            }
        }
        return flat;
    }

    /** The layer's index in a MultiLayerNetwork, or the vertex name in a ComputationGraph. */
    private Object resolve(String layer) {
        List<String> names = layerNames();
        if (model instanceof MultiLayerNetwork) {
            int byName = names.indexOf(layer);
            if (byName >= 0) {
                return byName;
            }
            if (layer.matches("[0-9]{1,9}") && Integer.parseInt(layer) < names.size()) {
                return Integer.parseInt(layer);
            }
        } else if (names.contains(layer)) {
            return layer;
        }
        List<String> listed = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            listed.add(model instanceof MultiLayerNetwork ? i + " '" + names.get(i) + "'" : "'" + names.get(i) + "'");
        }
        throw new InvalidInputException("teacher '" + name + "' has no layer '" + layer + "'; its layers"
                + (model instanceof MultiLayerNetwork ? " (by index or name)" : " (graph vertices)") + ": "
                + String.join(", ", listed));
    }

    /** Activations of any rank as {@code [N, everything else]}, row-major. */
    private static INDArray flatten(INDArray activations) {
        long rows = activations.size(0);
        return activations.castTo(DataType.FLOAT).dup('c').reshape('c', rows, activations.length() / rows);
    }

    @Override
    public void close() {
        NetworkMemory.release(model);
    }

    @Override
    public String toString() {
        return "Dl4jTeacher(" + name + ")";
    }
}
