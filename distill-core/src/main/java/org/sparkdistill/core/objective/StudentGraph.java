package org.sparkdistill.core.objective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.sparkdistill.core.InvalidInputException;

/**
 * A student seen as a graph of named vertices, whichever DL4J form it has: the vertices a {@link TrainingGraph} copies,
 * the vertex that gives its logits, and the shape of every vertex's activation.
 *
 * <p>A {@link MultiLayerNetwork}'s layers become a chain of vertices named as its layers are ({@code layer0},
 * {@code layer1}, … unless the network names them), after an input vertex named {@code input}. A
 * {@link ComputationGraph} keeps its vertex names. The student must end in one classifier output: an
 * {@code OutputLayer} with a softmax or identity activation, whose logits the training graph computes with a dense layer
 * of the same parameters, or a {@code LossLayer} with softmax, whose input vertex gives the logits.
 */
public final class StudentGraph {
    /** The input vertex of a MultiLayerNetwork student. */
    public static final String INPUT = "input";

    private final Model student;
    private final String prefix;
    private final List<String> inputs;
    private final Map<String, GraphVertex> vertices;
    private final Map<String, List<String>> vertexInputs;
    private final String output;
    private final String logits;
    private final GraphVertex logitsVertex;
    private final Map<String, long[]> shapes;
    private final Map<String, Layer> layers;
    private final Settings settings;

    private StudentGraph(Model student, String prefix, List<String> inputs, Map<String, GraphVertex> vertices,
            Map<String, List<String>> vertexInputs, String output, Map<String, long[]> shapes, Map<String, Layer> layers,
            Settings settings) {
        this.student = student;
        this.prefix = prefix;
        this.inputs = List.copyOf(inputs);
        this.vertices = vertices;
        this.vertexInputs = vertexInputs;
        this.output = output;
        this.shapes = shapes;
        this.layers = layers;
        this.settings = settings;
        GraphVertex outputVertex = vertices.get(output);
        if (!(outputVertex instanceof LayerVertex layerVertex)) {
            throw notAClassifier(outputVertex == null ? "nothing" : outputVertex.getClass().getSimpleName());
        }
        org.deeplearning4j.nn.conf.layers.Layer layer = layerVertex.getLayerConf().getLayer();
        if (layer instanceof OutputLayer dense && isLogitActivation(dense)) {
            this.logits = output;
            this.logitsVertex = logitsLayer(layerVertex, dense);
        } else if (layer instanceof LossLayer loss && loss.getActivationFn() instanceof ActivationSoftmax
                && vertexInputs.get(output).size() == 1) {
            this.logits = vertexInputs.get(output).get(0);
            this.logitsVertex = null;
        } else {
            throw notAClassifier(layer.getClass().getSimpleName() + " with activation "
                    + (layer instanceof BaseOutputLayer b ? b.getActivationFn() : "none"));
        }
    }

    /**
     * The graph of {@code student}, an initialised MultiLayerNetwork or ComputationGraph, probed with one row of
     * {@code featureCount} zeros to learn its activations' shapes.
     *
     * @throws InvalidInputException naming what is wrong: another kind of model, a student that cannot take a row of
     *     that width, one that does not end in a single classifier output, or one whose output width is not
     *     {@code classes}
     */
    public static StudentGraph of(Model student, int featureCount, int classes) {
        StudentGraph graph = of(student, Nd4j.zeros(DataType.FLOAT, 1, featureCount));
        if (graph.activationShape(graph.logits()).length != 2 || graph.classes() != classes) {
            throw new InvalidInputException("the student outputs " + graph.classes() + " values per example (layer '"
                    + graph.logits() + "' has shape " + Arrays.toString(graph.activationShape(graph.logits()))
                    + ") but the data has " + classes + " classes");
        }
        return graph;
    }

    private static StudentGraph of(Model student, INDArray probe) {
        if (student instanceof MultiLayerNetwork network) {
            return ofNetwork(network, probe);
        }
        if (student instanceof ComputationGraph graph) {
            return ofGraph(graph, probe);
        }
        throw new InvalidInputException("a student must be a DL4J MultiLayerNetwork or ComputationGraph, not "
                + (student == null ? "null" : student.getClass().getName()));
    }

    private static StudentGraph ofNetwork(MultiLayerNetwork network, INDArray probe) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        Map<String, GraphVertex> vertices = new LinkedHashMap<>();
        Map<String, List<String>> vertexInputs = new LinkedHashMap<>();
        Map<String, Layer> layers = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        if (network.getnLayers() == 0) {
            throw new InvalidInputException("the student MultiLayerNetwork has no layers");
        }
        List<INDArray> activations;
        try {
            activations = network.feedForward(probe, false);
        } catch (RuntimeException e) {
            throw cannotTake(probe, e);
        }
        String previous = INPUT;
        for (int i = 0; i < network.getnLayers(); i++) {
            String name = conf.getConf(i).getLayer().getLayerName();
            InputPreProcessor preprocessor = conf.getInputPreProcess(i);
            vertices.put(name, new LayerVertex(conf.getConf(i).clone(),
                    preprocessor == null ? null : preprocessor.clone()));
            vertexInputs.put(name, List.of(previous));
            layers.put(name, network.getLayer(i));
            shapes.put(name, activations.get(i + 1).shape());
            previous = name;
        }
        Settings settings = new Settings(conf.getDataType(), conf.getBackpropType(), conf.getTbpttFwdLength(),
                conf.getTbpttBackLength());
        return new StudentGraph(network, "", List.of(INPUT), vertices, vertexInputs, previous, shapes, layers, settings);
    }

    private static StudentGraph ofGraph(ComputationGraph graph, INDArray probe) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new InvalidInputException("the student ComputationGraph has inputs " + conf.getNetworkInputs()
                    + " and outputs " + conf.getNetworkOutputs() + "; a student takes one input and has one output");
        }
        Map<String, INDArray> activations;
        try {
            activations = graph.feedForward(probe, false);
        } catch (RuntimeException e) {
            throw cannotTake(probe, e);
        }
        Map<String, GraphVertex> vertices = new LinkedHashMap<>();
        Map<String, List<String>> vertexInputs = new LinkedHashMap<>();
        Map<String, Layer> layers = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String name : conf.getTopologicalOrderStr()) {
            if (conf.getNetworkInputs().contains(name)) {
                continue;
            }
            vertices.put(name, conf.getVertices().get(name).clone());
            vertexInputs.put(name, List.copyOf(conf.getVertexInputs().get(name)));
            if (graph.getVertex(name).hasLayer()) {
                layers.put(name, graph.getLayer(name));
            }
            shapes.put(name, activations.get(name).shape());
        }
        Settings settings = new Settings(conf.getDataType(), conf.getBackpropType(), conf.getTbpttFwdLength(),
                conf.getTbpttBackLength());
        return new StudentGraph(graph, "", conf.getNetworkInputs(), vertices, vertexInputs,
                conf.getNetworkOutputs().get(0), shapes, layers, settings);
    }

    /**
     * This student as one peer among several in a training graph: every vertex and layer named {@code prefix} followed
     * by its own name, and its input read from the graph's input {@link #INPUT}.
     *
     * @param prefix what every name of this peer begins with, such as {@code peer1-}
     */
    public StudentGraph prefixed(String prefix) {
        if (!this.prefix.isEmpty()) {
            throw new IllegalStateException("the student graph is already prefixed with '" + this.prefix + "'");
        }
        Map<String, GraphVertex> renamedVertices = new LinkedHashMap<>();
        Map<String, List<String>> renamedInputs = new LinkedHashMap<>();
        Map<String, long[]> renamedShapes = new LinkedHashMap<>();
        Map<String, Layer> renamedLayers = new LinkedHashMap<>();
        vertices.forEach((name, vertex) -> {
            GraphVertex copy = vertex.clone();
            if (copy instanceof LayerVertex layerVertex) {
                layerVertex.getLayerConf().getLayer().setLayerName(prefix + name);
            }
            renamedVertices.put(prefix + name, copy);
            renamedInputs.put(prefix + name, vertexInputs.get(name).stream()
                    .map(input -> inputs.contains(input) ? INPUT : prefix + input).toList());
        });
        shapes.forEach((name, shape) -> renamedShapes.put(prefix + name, shape));
        layers.forEach((name, layer) -> renamedLayers.put(prefix + name, layer));
        return new StudentGraph(student, prefix, List.of(INPUT), renamedVertices, renamedInputs, prefix + output,
                renamedShapes, renamedLayers, settings);
    }

    /** What every vertex and head name of this student begins with in a training graph: empty unless {@link #prefixed}. */
    public String prefix() {
        return prefix;
    }

    /** The graph's name of the student's vertex {@code name}, as the student itself names it. */
    public String vertex(String name) {
        return prefix + name;
    }

    /** The name a head called {@code name} takes in this student's training graph. */
    public String head(String name) {
        return prefix + name;
    }

    /** The network-wide settings a training graph takes over from the student. */
    private record Settings(DataType dataType, BackpropType backprop, int forwardLength, int backwardLength) {}

    private static InvalidInputException cannotTake(INDArray probe, RuntimeException e) {
        return new InvalidInputException("the student cannot take input of shape " + Arrays.toString(probe.shape())
                + " (one example of the data's features): " + e.getMessage(), e);
    }

    private static boolean isLogitActivation(BaseOutputLayer layer) {
        return layer.getActivationFn() instanceof ActivationSoftmax || layer.getActivationFn() instanceof ActivationIdentity;
    }

    /** A dense layer with the output layer's shape and settings and no activation, which computes its logits. */
    private static GraphVertex logitsLayer(LayerVertex vertex, OutputLayer output) {
        DenseLayer dense = (DenseLayer) new DenseLayer.Builder().nIn(output.getNIn()).nOut(output.getNOut())
                .activation(Activation.IDENTITY).hasBias(output.hasBias()).weightInit(output.getWeightInitFn())
                .updater(output.getIUpdater()).biasUpdater(output.getBiasUpdater())
                .regularization(output.getRegularization()).regularizationBias(output.getRegularizationBias())
                .gradientNormalization(output.getGradientNormalization())
                .gradientNormalizationThreshold(output.getGradientNormalizationThreshold())
                .name(output.getLayerName()).build();
        NeuralNetConfiguration conf = vertex.getLayerConf().clone();
        conf.setLayer(dense);
        return new LayerVertex(conf, vertex.getPreProcessor() == null ? null : vertex.getPreProcessor().clone());
    }

    private static InvalidInputException notAClassifier(String what) {
        return new InvalidInputException("the student ends in " + what + "; a student must end in an OutputLayer with a "
                + "softmax (or identity) activation, or a LossLayer with softmax");
    }

    /** The student this graph was made from. */
    public Model student() {
        return student;
    }

    /** The vertex whose activation is the student's logits. */
    public String logits() {
        return logits;
    }

    /** The number of classes the student predicts. */
    public long classes() {
        return activationShape(logits)[1];
    }

    /** The names of the student's vertices, inputs excluded, in topological order. */
    public List<String> vertexNames() {
        return List.copyOf(vertices.keySet());
    }

    /**
     * The shape of {@code vertex}'s activation for one example, batch axis included.
     *
     * @throws InvalidInputException naming the vertex and the student's vertices when it has none of that name
     */
    public long[] activationShape(String vertex) {
        long[] shape = shapes.get(vertex);
        if (shape == null) {
            throw new InvalidInputException("the student has no layer '" + vertex + "'; its layers: "
                    + String.join(", ", vertices.keySet()));
        }
        return shape.clone();
    }

    /** The values of {@code vertex}'s activation per example. */
    public long activationWidth(String vertex) {
        long[] shape = activationShape(vertex);
        long width = 1;
        for (int axis = 1; axis < shape.length; axis++) {
            width *= shape[axis];
        }
        return width;
    }

    /** The student's layers that hold parameters, by vertex name, as the student itself holds them. */
    Map<String, Layer> layers() {
        return layers;
    }

    /**
     * A graph builder holding the student's inputs and every vertex up to its logits, the logits computed without the
     * output activation; the heads are added to it.
     */
    ComputationGraphConfiguration.GraphBuilder builder(long seed) {
        ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(settings.dataType()).updater(updater()).weightInit(WeightInit.XAVIER).graphBuilder()
                .backpropType(settings.backprop()).tBPTTForwardLength(settings.forwardLength())
                .tBPTTBackwardLength(settings.backwardLength());
        builder.addInputs(inputs);
        addVerticesTo(builder);
        return builder;
    }

    /** Adds every vertex up to the logits, the logits computed without the output activation, to {@code builder}. */
    void addVerticesTo(ComputationGraphConfiguration.GraphBuilder builder) {
        for (Map.Entry<String, GraphVertex> vertex : vertices.entrySet()) {
            String name = vertex.getKey();
            if (name.equals(output) && logitsVertex == null) {
                continue;
            }
            GraphVertex conf = name.equals(output) ? logitsVertex.clone() : vertex.getValue().clone();
            builder.addVertex(name, conf, vertexInputs.get(name).toArray(String[]::new));
        }
    }

    /** The updater of the student's last layer with parameters, which the heads' adapters train with too. */
    IUpdater updater() {
        List<String> names = new ArrayList<>(vertices.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            if (vertices.get(names.get(i)) instanceof LayerVertex vertex
                    && vertex.getLayerConf().getLayer() instanceof BaseLayer layer && layer.getIUpdater() != null) {
                return layer.getIUpdater().clone();
            }
        }
        throw new InvalidInputException("the student has no layer with parameters to train");
    }

    /** The names of the vertices {@link #builder(long)} adds, the logits included. */
    List<String> trainedVertices() {
        List<String> names = new ArrayList<>(vertices.keySet());
        if (logitsVertex == null) {
            names.remove(output);
        }
        return names;
    }
}
