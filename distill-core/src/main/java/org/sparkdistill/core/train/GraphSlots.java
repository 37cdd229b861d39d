package org.sparkdistill.core.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;

/**
 * The layer slots of a {@link ComputationGraph}: its layer vertices in reverse topological order, the order of its
 * backward pass.
 *
 * <p>A layer lives in two places, its {@link LayerVertex} (which runs it) and the graph's layer array (which
 * {@link ComputationGraph#getLayers()} returns); both are swapped, the vertex through {@link LayerVertex#setLayer}, the
 * array in place since the graph has no setter for it. Vertices without a layer (merge, element-wise, …) have no
 * parameters and no slot.
 */
final class GraphSlots extends LayerSlots {
    private final ComputationGraph graph;
    private final List<LayerVertex> vertices;
    private final int[] arrayIndex;

    private GraphSlots(ComputationGraph graph, List<LayerVertex> vertices, List<Layer> layers, List<String> names) {
        super(graph, layers, names);
        this.graph = graph;
        this.vertices = vertices;
        this.arrayIndex = new int[layers.size()];
        for (int k = 0; k < arrayIndex.length; k++) {
            arrayIndex[k] = indexOf(graph.getLayers(), layers.get(k), names.get(k));
        }
    }

    /** The slots of {@code graph}, refusing an uninitialised graph, truncated BPTT and layers outside plain layer vertices. */
    static GraphSlots of(ComputationGraph graph) {
        if (graph.getVertices() == null || graph.getLayers() == null) {
            throw new IllegalArgumentException("the ComputationGraph is not initialised; call init() before attaching an observer");
        }
        requireStandardBackprop(graph.getConfiguration().getBackpropType(), "ComputationGraph");
        List<LayerVertex> vertices = new ArrayList<>();
        List<Layer> layers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int[] order = graph.topologicalSortOrder();
        for (int i = order.length - 1; i >= 0; i--) {
            GraphVertex vertex = graph.getVertices()[order[i]];
            if (!vertex.hasLayer()) {
                continue;
            }
            if (!(vertex instanceof LayerVertex layerVertex)) {
                throw new IllegalArgumentException("vertex '" + vertex.getVertexName() + "' is a "
                        + vertex.getClass().getSimpleName() + "; gradient-ready events support layers only in plain"
                        + " LayerVertex vertices");
            }
            vertices.add(layerVertex);
            layers.add(layerVertex.getLayer());
            names.add("'" + vertex.getVertexName() + "' (" + layerVertex.getLayer().conf().getLayer().getClass().getSimpleName() + ")");
        }
        if (vertices.isEmpty()) {
            throw new IllegalArgumentException("the ComputationGraph has no layers");
        }
        return new GraphSlots(graph, vertices, layers, names);
    }

    private static int indexOf(Layer[] layers, Layer layer, String name) {
        for (int j = 0; j < layers.length; j++) {
            if (layers[j] == layer) {
                return j;
            }
        }
        throw new IllegalArgumentException("layer " + name + " runs in its vertex but is missing from the graph's layer list");
    }

    @Override
    void initFlatGradient() {
        if (flatGradient() == null) {
            graph.initGradientsView();
        }
    }

    @Override
    void buildUpdater() {
        graph.getUpdater();
    }

    @Override
    void restore() {
        put(layers());
    }

    @Override
    void put(List<Layer> layers) {
        Layer[] array = graph.getLayers();
        for (int k = 0; k < layers.size(); k++) {
            vertices.get(k).setLayer(layers.get(k));
            array[arrayIndex[k]] = layers.get(k);
        }
    }
}
