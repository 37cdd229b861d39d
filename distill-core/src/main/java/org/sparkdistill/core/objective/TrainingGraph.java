package org.sparkdistill.core.objective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.nn.ComputePath;

/**
 * The network a student trains as: the student up to its logits, plus every objective's heads (adapters and loss
 * layers) as the graph's outputs; or several peer students side by side, reading the same input, each with its own
 * heads.
 *
 * <p>The students' layers keep their parameter layouts, and a lone student its names (peers' names begin with
 * {@code peer0-}, {@code peer1-}, …), so {@link #copyToStudent()} writes the trained values back into the students,
 * which stay ordinary DL4J networks with their own output layers; the heads never reach them. Before each step
 * {@link #dataSet} gives every head its loss for the step (temperature and weights follow their schedules) and its
 * labels. Not thread-safe.
 */
public final class TrainingGraph {
    private final List<StudentGraph> peers;
    private final ComputationGraph graph;
    private final List<ObjectiveHead> heads;
    private final List<TeacherOutput> teacherOutputs;
    private final boolean learnsFromPeers;

    private TrainingGraph(List<StudentGraph> peers, ComputationGraph graph, List<ObjectiveHead> heads,
            List<? extends DistillationObjective> objectives) {
        this.peers = List.copyOf(peers);
        this.graph = graph;
        this.heads = List.copyOf(heads);
        this.learnsFromPeers = heads.stream().anyMatch(head -> head instanceof PeerHead peer
                && peer.source() == PeerHead.Source.GRAPH_PEERS);
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
        return build(List.of(StudentGraph.of(student, featureCount, classes)), objectives, seed, path);
    }

    /**
     * The training graph of two or more peer students that train together, each towards every one of
     * {@code objectives}; otherwise as {@link #build(Model, int, int, List, long, ComputePath)}.
     *
     * @throws InvalidInputException naming the value when there are fewer than two peers, or as for one student
     */
    public static TrainingGraph buildPeers(List<? extends Model> peers, int featureCount, int classes,
            List<? extends DistillationObjective> objectives, long seed, ComputePath path) {
        return build(peerViews(peers, featureCount, classes), objectives, seed, path);
    }

    private static TrainingGraph build(List<StudentGraph> views, List<? extends DistillationObjective> objectives,
            long seed, ComputePath path) {
        List<ObjectiveHead> heads = heads(views, objectives);
        ComputationGraphConfiguration configuration = configuration(views, heads, seed);
        path.configure(configuration);
        ComputationGraph graph = new ComputationGraph(configuration);
        graph.init();
        for (StudentGraph view : views) {
            for (String name : view.trainedVertices()) {
                Layer layer = view.layers().get(name);
                if (layer != null && layer.numParams() > 0) {
                    graph.getLayer(name).setParams(layer.params());
                }
            }
        }
        return new TrainingGraph(views, graph, heads, objectives);
    }

    /** Each peer's view, its names prefixed with {@code peer<k>-}. */
    private static List<StudentGraph> peerViews(List<? extends Model> peers, int featureCount, int classes) {
        if (peers == null || peers.size() < 2) {
            throw new InvalidInputException("peers that train together need two or more students, got "
                    + (peers == null ? 0 : peers.size()));
        }
        List<StudentGraph> views = new ArrayList<>();
        for (int k = 0; k < peers.size(); k++) {
            try {
                views.add(StudentGraph.of(peers.get(k), featureCount, classes).prefixed(peerPrefix(k)));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("peer " + k + ": " + e.getMessage(), e);
            }
        }
        return views;
    }

    /** What the names of peer {@code k}'s vertices and heads begin with. */
    public static String peerPrefix(int k) {
        return "peer" + k + "-";
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
        return resume(saved, List.of(StudentGraph.of(student, featureCount, classes)), objectives, seed);
    }

    /**
     * The training graph {@code saved} for the peers {@code peers} and {@code objectives}, which must be those it was
     * built for; see {@link #resume(ComputationGraph, Model, int, int, List, long)}.
     */
    public static TrainingGraph resumePeers(ComputationGraph saved, List<? extends Model> peers, int featureCount,
            int classes, List<? extends DistillationObjective> objectives, long seed) {
        return resume(saved, peerViews(peers, featureCount, classes), objectives, seed);
    }

    private static TrainingGraph resume(ComputationGraph saved, List<StudentGraph> views,
            List<? extends DistillationObjective> objectives, long seed) {
        List<ObjectiveHead> heads = heads(views, objectives);
        ComputationGraph expected = new ComputationGraph(configuration(views, heads, seed));
        expected.init();
        try {
            requireSameLayout(saved, expected);
        } finally {
            NetworkMemory.release(expected);
        }
        return new TrainingGraph(views, saved, heads, objectives);
    }

    /** Every objective's heads on every peer, in peer order, then objective order. */
    private static List<ObjectiveHead> heads(List<StudentGraph> views,
            List<? extends DistillationObjective> objectives) {
        if (objectives == null || objectives.isEmpty()) {
            throw new InvalidInputException("a student needs at least one objective to train towards, got none");
        }
        Set<String> objectiveNames = new HashSet<>();
        for (DistillationObjective objective : objectives) {
            if (!objectiveNames.add(objective.name())) {
                throw new InvalidInputException("two objectives are both named '" + objective.name()
                        + "'; each objective must be given once");
            }
            if (objective.needsPeers() && views.size() < 2) {
                throw new InvalidInputException("objective '" + objective.name() + "' learns from other peers, but "
                        + "the student trains alone; give two or more peers");
            }
        }
        Set<String> names = new HashSet<>();
        names.add(StudentGraph.INPUT);
        views.forEach(view -> names.addAll(view.vertexNames()));
        List<ObjectiveHead> heads = new ArrayList<>();
        for (StudentGraph view : views) {
            List<ObjectiveHead> own = new ArrayList<>();
            for (DistillationObjective objective : objectives) {
                for (ObjectiveHead head : objective.heads(view)) {
                    if (!names.add(head.name()) || !names.add(head.name() + "-adapter")) {
                        throw new InvalidInputException("objective '" + objective.name() + "' adds a head named '"
                                + head.name() + "', which the student or another objective already uses");
                    }
                    own.add(head);
                }
            }
            if (own.stream().noneMatch(ObjectiveHead::readsLogits)) {
                throw new InvalidInputException("no objective reads the student's logits (layer '" + view.logits()
                        + "'), which would then never train; add a kd objective to "
                        + objectives.stream().map(DistillationObjective::name).toList());
            }
            heads.addAll(own);
        }
        return heads;
    }

    private static ComputationGraphConfiguration configuration(List<StudentGraph> views, List<ObjectiveHead> heads,
            long seed) {
        ComputationGraphConfiguration.GraphBuilder builder = views.get(0).builder(seed);
        for (StudentGraph view : views.subList(1, views.size())) {
            view.addVerticesTo(builder);
        }
        for (ObjectiveHead head : heads) {
            head.addTo(builder, viewOf(head, views));
        }
        builder.setOutputs(heads.stream().map(ObjectiveHead::name).toArray(String[]::new));
        return builder.build();
    }

    /** The peer a head belongs to: the one whose prefix its name begins with (the only one for a lone student). */
    private static StudentGraph viewOf(ObjectiveHead head, List<StudentGraph> views) {
        for (int k = views.size() - 1; k >= 0; k--) {
            if (head.name().startsWith(views.get(k).prefix())) {
                return views.get(k);
            }
        }
        throw new IllegalStateException("head '" + head.name() + "' belongs to no peer");
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

    /**
     * The student this graph trains (the first peer where peers train together), which holds the trained values once
     * {@link #copyToStudent()} has run.
     */
    public Model student() {
        return peers.get(0).student();
    }

    /** The student's view as a graph (the first peer's): its vertices, logits and activation shapes. */
    public StudentGraph studentGraph() {
        return peers.get(0);
    }

    /** Every student this graph trains: the lone student, or the peers in order. */
    public List<Model> students() {
        return peers.stream().map(StudentGraph::student).toList();
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
        BatchSignals all = learnsFromPeers ? signals.withPeerTargets(peerTargets(features)) : signals;
        INDArray[] labels = new INDArray[heads.size()];
        for (int k = 0; k < heads.size(); k++) {
            ObjectiveHead head = heads.get(k);
            ((LossLayer) graph.getLayer(head.name()).conf().getLayer()).setLossFn(head.loss(all));
            labels[k] = head.labels(all);
        }
        return new MultiDataSet(new INDArray[] {features}, labels);
    }

    /**
     * By peer prefix, the mean over the other peers of their distribution at the peer's mutual-learning temperature,
     * from one inference pass of the current parameters.
     */
    private Map<String, INDArray> peerTargets(INDArray features) {
        Map<String, INDArray> activations = graph.feedForward(features, false);
        Map<String, INDArray> targets = new HashMap<>();
        for (ObjectiveHead head : heads) {
            if (head instanceof PeerHead peerHead && peerHead.source() == PeerHead.Source.GRAPH_PEERS) {
                INDArray sum = null;
                for (StudentGraph other : peers) {
                    if (!other.prefix().equals(peerHead.peer())) {
                        INDArray distribution = Transforms.softmax(
                                activations.get(other.logits()).div(peerHead.temperature()), false);
                        sum = sum == null ? distribution : sum.addi(distribution);
                    }
                }
                targets.put(peerHead.peer(), sum.divi(peers.size() - 1));
            }
        }
        return targets;
    }

    /** Writes the trained parameters of the students' layers into the students. */
    public void copyToStudent() {
        for (StudentGraph peer : peers) {
            for (String name : peer.trainedVertices()) {
                Layer layer = peer.layers().get(name);
                if (layer != null && layer.numParams() > 0) {
                    layer.setParams(graph.getLayer(name).params());
                }
            }
        }
    }
}
