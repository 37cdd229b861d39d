package org.sparkdistill.core.teacher.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.onnx.Protobuf.Field;

/**
 * What a teacher needs of an ONNX model's graph: the tensors its nodes produce, the op that produces each, and the
 * graph's outputs; and the model rewritten with more graph outputs, since ONNX Runtime fetches only graph outputs.
 *
 * <p>Field numbers are those of onnx.proto: {@code ModelProto.graph} 7; {@code GraphProto.node} 1, {@code initializer}
 * 5 and {@code output} 12; {@code NodeProto.output} 2 and {@code op_type} 4; {@code ValueInfoProto.name} 1;
 * {@code TensorProto.dims} 1. Immutable.
 */
final class OnnxGraph {
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_OUTPUT = 12;
    private static final int TENSOR_DIMS = 1;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_OP_TYPE = 4;
    private static final int VALUE_INFO_NAME = 1;

    /** A node: its op type, its input tensors and the tensors it produces. */
    record Node(String opType, List<String> inputs, List<String> outputs) {}

    private final List<Node> nodes;
    private final List<String> outputs;
    private final long parameterCount;

    private OnnxGraph(List<Node> nodes, List<String> outputs, long parameterCount) {
        this.nodes = List.copyOf(nodes);
        this.outputs = List.copyOf(outputs);
        this.parameterCount = parameterCount;
    }

    /**
     * Reads the graph of a serialized {@code ModelProto}.
     *
     * @param origin the model file's location, for messages
     * @throws InvalidInputException naming the file when its bytes are not an ONNX model
     */
    static OnnxGraph parse(byte[] model, String origin) {
        try {
            Field graph = null;
            for (Field field : Protobuf.fields(model, 0, model.length)) {
                if (field.number() == MODEL_GRAPH && field.wireType() == Protobuf.LENGTH_DELIMITED) {
                    graph = field;
                }
            }
            if (graph == null) {
                throw new IllegalArgumentException("it holds no graph (ModelProto field 7)");
            }
            List<Node> nodes = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            long parameters = 0;
            for (Field field : Protobuf.fields(model, graph.valueStart(), graph.end())) {
                if (field.wireType() != Protobuf.LENGTH_DELIMITED) {
                    continue;
                }
                if (field.number() == GRAPH_NODE) {
                    nodes.add(node(model, field));
                } else if (field.number() == GRAPH_INITIALIZER) {
                    parameters += elementCount(model, field);
                } else if (field.number() == GRAPH_OUTPUT) {
                    outputs.add(firstString(model, field, VALUE_INFO_NAME));
                }
            }
            return new OnnxGraph(nodes, outputs, parameters);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("teacher model file " + origin + " is not an ONNX model: "
                    + e.getMessage(), e);
        }
    }

    private static Node node(byte[] model, Field node) {
        String opType = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        for (Field field : Protobuf.fields(model, node.valueStart(), node.end())) {
            if (field.wireType() != Protobuf.LENGTH_DELIMITED) {
                continue;
            }
            switch (field.number()) {
                case NODE_INPUT -> inputs.add(field.string(model));
                case NODE_OUTPUT -> outputs.add(field.string(model));
                case NODE_OP_TYPE -> opType = field.string(model);
                default -> { }
            }
        }
        return new Node(opType, inputs, outputs);
    }

    /** The number of values an initializer tensor holds: the product of its dimensions, 1 for a scalar. */
    private static long elementCount(byte[] model, Field tensor) {
        long count = 1;
        for (Field field : Protobuf.fields(model, tensor.valueStart(), tensor.end())) {
            if (field.number() == TENSOR_DIMS) {
                for (long dim : field.varints(model)) {
                    count = Math.multiplyExact(count, dim);
                }
            }
        }
        return count;
    }

    private static String firstString(byte[] model, Field message, int number) {
        for (Field field : Protobuf.fields(model, message.valueStart(), message.end())) {
            if (field.number() == number && field.wireType() == Protobuf.LENGTH_DELIMITED) {
                return field.string(model);
            }
        }
        return "";
    }

    /** The number of values in the graph's initializers: the model's trained parameters and constants. */
    long parameterCount() {
        return parameterCount;
    }

    /** The graph's outputs, in their order. */
    List<String> outputs() {
        return outputs;
    }

    /** Every tensor a node produces, in graph order, then any graph output no node produces. */
    List<String> tensorNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Node node : nodes) {
            node.outputs().stream().filter(name -> !name.isEmpty()).forEach(names::add);
        }
        names.addAll(outputs);
        return List.copyOf(names);
    }

    /** The op type of the node producing {@code tensor}, looking through Identity nodes; empty when none does. */
    String producer(String tensor) {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            if (node.outputs().contains(tensor)) {
                return node.opType().equals("Identity") && !node.inputs().isEmpty()
                        ? producer(node.inputs().get(0)) : node.opType();
            }
        }
        return "";
    }

    /**
     * The model's bytes with {@code extra} appended to the graph's outputs, each as a {@code ValueInfoProto} that
     * holds only its name: ONNX Runtime infers an output's type and shape from the node that produces it.
     */
    static byte[] withOutputs(byte[] model, List<String> extra) {
        if (extra.isEmpty()) {
            return model;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + 64 * extra.size());
        for (Field field : Protobuf.fields(model, 0, model.length)) {
            if (field.number() == MODEL_GRAPH && field.wireType() == Protobuf.LENGTH_DELIMITED) {
                ByteArrayOutputStream graph = new ByteArrayOutputStream(field.end() - field.valueStart() + 64);
                graph.write(model, field.valueStart(), field.end() - field.valueStart());
                for (String name : extra) {
                    ByteArrayOutputStream valueInfo = new ByteArrayOutputStream();
                    Protobuf.writeLengthDelimited(valueInfo, VALUE_INFO_NAME, name.getBytes(StandardCharsets.UTF_8));
                    Protobuf.writeLengthDelimited(graph, GRAPH_OUTPUT, valueInfo.toByteArray());
                }
                Protobuf.writeLengthDelimited(out, MODEL_GRAPH, graph.toByteArray());
            } else {
                out.write(model, field.start(), field.end() - field.start());
            }
        }
        return out.toByteArray();
    }
}
