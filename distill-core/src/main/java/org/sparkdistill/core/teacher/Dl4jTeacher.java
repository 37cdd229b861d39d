package org.sparkdistill.core.teacher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
 * A teacher backed by a DL4J {@link MultiLayerNetwork} or {@link ComputationGraph}: a DL4J model zip, or a Keras model
 * imported by DL4J.
 *
 * <p>A softmax output is turned back into logits as log-probabilities (equal to the raw logits up to a per-row
 * constant); an identity output is taken as logits already; any other output activation must be declared by an
 * {@link OutputKind}. A ComputationGraph with several outputs needs the one to use named. Rows reach the network
 * through an {@link InputTransform}: flat, as they are, unless the description asks otherwise. A MultiLayerNetwork's
 * layers are named by index ("0") or by name (DL4J names an unnamed layer "layer0", "layer1", …); a ComputationGraph's
 * by vertex name. Not thread-safe, like the network it wraps.
 */
public final class Dl4jTeacher implements Teacher {
    private static final double MIN_PROBABILITY = 1e-30;

    private final String name;
    private final Model model;
    private final InputTransform input;
    private final int output;
    private final boolean outputsProbabilities;

    private Dl4jTeacher(String name, Model model, InputTransform input, int output, OutputKind kind) {
        this.name = name;
        this.model = model;
        this.input = input;
        this.output = output;
        this.outputsProbabilities = kind == OutputKind.PROBABILITIES;
    }

    /** Wraps a network already in memory; it takes flat rows and its output activation tells what it gives. */
    public static Dl4jTeacher of(String name, MultiLayerNetwork network) {
        return of(name, network, null, TeacherDescription.DETECTED, null);
    }

    /** Wraps a graph already in memory; it must have exactly one output, and takes flat rows. */
    public static Dl4jTeacher of(String name, ComputationGraph graph) {
        return of(name, graph, null, TeacherDescription.DETECTED, null);
    }

    /**
     * Wraps a network or graph as {@code description} says.
     *
     * @param dataShape the data's example shape, channels first; or null for flat rows taken as they are
     * @param declared the input shape the model declares, batch axis included (-1 where free), or null for none
     * @throws InvalidInputException naming the teacher when its output cannot be chosen or its kind told, or its
     *     input does not fit the data
     */
    public static Dl4jTeacher of(String name, Model model, long[] dataShape, TeacherDescription description,
            long[] declared) {
        int output = outputIndex(name, model, description.output());
        Layer outputLayer = model instanceof MultiLayerNetwork network ? network.getOutputLayer()
                : ((ComputationGraph) model).getOutputLayer(output);
        OutputKind kind = description.outputKind() != null ? description.outputKind() : kindOf(name, outputLayer);
        InputTransform input = dataShape == null ? null : description.input().bind(name, dataShape, declared);
        Dl4jTeacher teacher = new Dl4jTeacher(name, model, input, output, kind);
        teacher.requireLayers(description.hints());
        return teacher;
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

    /** The index of the output that gives the predictions: the one named, or the only one. */
    private static int outputIndex(String name, Model model, String chosen) {
        if (!(model instanceof ComputationGraph graph)) {
            if (chosen != null) {
                throw new InvalidInputException("teacher '" + name + "' is a MultiLayerNetwork, whose one output is"
                        + " its last layer; it has no output '" + chosen + "' to choose");
            }
            return 0;
        }
        List<String> outputs = graph.getConfiguration().getNetworkOutputs();
        if (chosen == null) {
            if (outputs.size() != 1) {
                throw new InvalidInputException("teacher '" + name + "' has " + outputs.size() + " outputs ("
                        + String.join(", ", outputs) + "); choose the one that gives the predictions with"
                        + " teachers[].output");
            }
            return 0;
        }
        int index = outputs.indexOf(chosen);
        if (index < 0) {
            throw new InvalidInputException("teacher '" + name + "' has no output '" + chosen + "'; its outputs: "
                    + String.join(", ", outputs));
        }
        return index;
    }

    private static OutputKind kindOf(String name, Layer outputLayer) {
        org.deeplearning4j.nn.conf.layers.Layer conf = outputLayer.conf().getLayer();
        IActivation activation = conf instanceof BaseLayer layer ? layer.getActivationFn()
                : conf instanceof ActivationLayer layer ? layer.getActivationFn() : null;
        if (activation instanceof ActivationSoftmax) {
            return OutputKind.PROBABILITIES;
        }
        if (activation instanceof ActivationIdentity) {
            return OutputKind.LOGITS;
        }
        throw new InvalidInputException("teacher '" + name + "' ends in " + conf.getClass().getSimpleName()
                + (activation == null ? "" : " with activation " + activation) + "; unless teachers[].outputKind says"
                + " whether it gives logits or probabilities, a teacher's last layer must have a softmax or identity"
                + " activation");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public OptionalLong parameterCount() {
        return OptionalLong.of(model.numParams());
    }

    @Override
    public INDArray logits(INDArray features) {
        INDArray in = modelInput(features);
        INDArray output = model instanceof MultiLayerNetwork network
                ? network.output(in, false)
                : ((ComputationGraph) model).output(false, in)[this.output];
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
            List<INDArray> all = network.feedForwardToLayer(Arrays.stream(indices).max().getAsInt(),
                    modelInput(features), false);
            for (int index : indices) {
                flat.add(flatten(all.get(index + 1)));
            }
        } else {
            layers.forEach(this::resolve);
            Map<String, INDArray> all = ((ComputationGraph) model).feedForward(modelInput(features), false);
            for (String layer : layers) {
                flat.add(flatten(all.get(layer)));
            }
        }
        return flat;
    }

    private INDArray modelInput(INDArray features) {
        return input == null ? features : input.apply(features);
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
