package org.sparkdistill.core.objective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.nn.ComputePath;

/**
 * The network a student trains as: the student up to its logits, plus every objective's heads (adapters and loss
 * layers) as the graph's outputs.
 *
 * <p>The student's layers keep their names and parameter layouts, so {@link #copyToStudent()} writes the trained values
 * back into the student, which stays an ordinary DL4J network with its own output layer; the heads never reach it.
 * Before each step {@link #dataSet} gives every head its loss for the step (temperature and weights follow their
 * schedules) and its labels. Not thread-safe.
 */
public final class TrainingGraph {
    private final StudentGraph student;
    private final ComputationGraph graph;
    private final List<ObjectiveHead> heads;
    private final List<TeacherOutput> teacherOutputs;

    private TrainingGraph(StudentGraph student, ComputationGraph graph, List<ObjectiveHead> heads,
            List<? extends DistillationObjective> objectives) {
        this.student = student;
        this.graph = graph;
        this.heads = List.copyOf(heads);
        Set<TeacherOutput> outputs = new LinkedHashSet<>();
        objectives.forEach(objective -> outputs.addAll(objective.teacherOutputs()));
        this.teacherOutputs = List.copyOf(outputs);
    }

    /**
     * The training graph of {@code student} for {@code objectives}, its adapters initialised from {@code seed} and its
     * student layers holding the student's parameters.
     *
     * @param featureCount the width of one example's features, which the student must take
     * @param classes the number of classes the data has, which the student must predict
     * @throws InvalidInputException naming the value when the student does not fit the data, an objective names a
     *     layer the student lacks, no adapter fits a hint, or two objectives share a name
     */
    public static TrainingGraph build(Model student, int featureCount, int classes,
            List<? extends DistillationObjective> objectives, long seed) {
        return build(student, featureCount, classes, objectives, seed, ComputePath.FAST_WHERE_EXACT);
    }

    /**
     * As {@link #build(Model, int, int, List, long)}, its layers computed by {@code path}; the parameters, outputs and
     * gradients are the same on every path.
     */
    public static TrainingGraph build(Model student, int featureCount, int classes,
            List<? extends DistillationObjective> objectives, long seed, ComputePath path) {
        StudentGraph view = StudentGraph.of(student, featureCount, classes);
        List<ObjectiveHead> heads = heads(view, objectives);
        ComputationGraphConfiguration configuration = configuration(view, heads, seed);
        path.configure(configuration);
        ComputationGraph graph = new ComputationGraph(configuration);
        graph.init();
        for (String name : view.trainedVertices()) {
            Layer layer = view.layers().get(name);
            if (layer != null && layer.numParams() > 0) {
                graph.getLayer(name).setParams(layer.params());
            }
        }
        return new TrainingGraph(view, graph, heads, objectives);
    }

    /**
     * The training graph {@code saved} (a checkpoint's, with its parameters and updater state) for {@code student} and
     * {@code objectives}, which must be those it was built for.
     *
     * @throws InvalidInputException when {@code saved} has other outputs or other parameter shapes than the training
     *     graph of this student and these objectives
     */
    public static TrainingGraph resume(ComputationGraph saved, Model student, int featureCount, int classes,
            List<? extends DistillationObjective> objectives, long seed) {
        StudentGraph view = StudentGraph.of(student, featureCount, classes);
        List<ObjectiveHead> heads = heads(view, objectives);
        ComputationGraph expected = new ComputationGraph(configuration(view, heads, seed));
        expected.init();
        try {
            requireSameLayout(saved, expected);
        } finally {
            NetworkMemory.release(expected);
        }
        return new TrainingGraph(view, saved, heads, objectives);
    }

    private static List<ObjectiveHead> heads(StudentGraph view, List<? extends DistillationObjective> objectives) {
        if (objectives == null || objectives.isEmpty()) {
            throw new InvalidInputException("a student needs at least one objective to train towards, got none");
        }
        Set<String> names = new HashSet<>(view.vertexNames());
        names.add(StudentGraph.INPUT);
        Set<String> objectiveNames = new HashSet<>();
        List<ObjectiveHead> heads = new ArrayList<>();
        for (DistillationObjective objective : objectives) {
            if (!objectiveNames.add(objective.name())) {
                throw new InvalidInputException("two objectives are both named '" + objective.name()
                        + "'; each objective must be given once");
            }
            for (ObjectiveHead head : objective.heads(view)) {
                if (!names.add(head.name()) || !names.add(head.name() + "-adapter")) {
                    throw new InvalidInputException("objective '" + objective.name() + "' adds a head named '"
                            + head.name() + "', which the student or another objective already uses");
                }
                heads.add(head);
            }
        }
        if (heads.stream().noneMatch(ObjectiveHead::readsLogits)) {
            throw new InvalidInputException("no objective reads the student's logits (layer '" + view.logits()
                    + "'), which would then never train; add a kd objective to "
                    + objectives.stream().map(DistillationObjective::name).toList());
        }
        return heads;
    }

    private static ComputationGraphConfiguration configuration(StudentGraph view, List<ObjectiveHead> heads, long seed) {
        ComputationGraphConfiguration.GraphBuilder builder = view.builder(seed);
        for (ObjectiveHead head : heads) {
            head.addTo(builder, view);
        }
        builder.setOutputs(heads.stream().map(ObjectiveHead::name).toArray(String[]::new));
        return builder.build();
    }

    private static void requireSameLayout(ComputationGraph saved, ComputationGraph expected) {
        List<String> savedOutputs = saved.getConfiguration().getNetworkOutputs();
        List<String> expectedOutputs = expected.getConfiguration().getNetworkOutputs();
        if (!savedOutputs.equals(expectedOutputs)) {
            throw new InvalidInputException("the saved training graph has heads " + savedOutputs + " but this student "
                    + "and these objectives have heads " + expectedOutputs);
        }
        Map<String, INDArray> savedParams = saved.paramTable();
        Map<String, INDArray> expectedParams = expected.paramTable();
        if (!savedParams.keySet().equals(expectedParams.keySet())) {
            throw new InvalidInputException("the saved training graph has parameters " + savedParams.keySet()
                    + " but this student and these objectives have " + expectedParams.keySet());
        }
        for (Map.Entry<String, INDArray> param : expectedParams.entrySet()) {
            long[] savedShape = savedParams.get(param.getKey()).shape();
            if (!Arrays.equals(savedShape, param.getValue().shape())) {
                throw new InvalidInputException("the saved training graph's parameter " + param.getKey() + " has shape "
                        + Arrays.toString(savedShape) + " but this student and these objectives need "
                        + Arrays.toString(param.getValue().shape()));
            }
        }
    }

    /** The graph that trains: student layers and heads. */
    public ComputationGraph graph() {
        return graph;
    }

    /** The student this graph trains, which holds the trained values once {@link #copyToStudent()} has run. */
    public Model student() {
        return student.student();
    }

    /** The student's view as a graph: its vertices, logits and activation shapes. */
    public StudentGraph studentGraph() {
        return student;
    }

    /** The heads, in the order of the graph's outputs. */
    public List<ObjectiveHead> heads() {
        return heads;
    }

    /** The teacher outputs the objectives read, each once, in the order the objectives name them. */
    public List<TeacherOutput> teacherOutputs() {
        return teacherOutputs;
    }

    /** Whether any head reads the ensemble's soft targets at a step whose distillation weight is {@code alpha}. */
    public boolean readsSoftTargets(double alpha) {
        return heads.stream().anyMatch(head -> head.readsSoftTargets(alpha));
    }

    /**
     * The step's input: {@code features} and each head's labels; each head's loss is set for the step's temperature
     * and weights first.
     */
    public MultiDataSet dataSet(INDArray features, BatchSignals signals) {
        INDArray[] labels = new INDArray[heads.size()];
        for (int k = 0; k < heads.size(); k++) {
            ObjectiveHead head = heads.get(k);
            ((LossLayer) graph.getLayer(head.name()).conf().getLayer()).setLossFn(head.loss(signals));
            labels[k] = head.labels(signals);
        }
        return new MultiDataSet(new INDArray[] {features}, labels);
    }

    /** Writes the trained parameters of the student's layers into the student. */
    public void copyToStudent() {
        for (String name : student.trainedVertices()) {
            Layer layer = student.layers().get(name);
            if (layer != null && layer.numParams() > 0) {
                layer.setParams(graph.getLayer(name).params());
            }
        }
    }
}
