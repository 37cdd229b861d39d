package org.sparkdistill.core.teacher;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;

/**
 * A trained model whose predictions a student learns from: a batch of features in, a batch of logits out, and on
 * request the activations of named inner layers (for hint losses).
 *
 * <p>Features are the flat rows the student sees ({@code [N, D]}); logits are {@code [N, C]}. Logits may differ from
 * a model's raw pre-activations by a per-row constant, the one freedom that softmax leaves. Implementations are not
 * required to be thread-safe.
 */
public interface Teacher extends AutoCloseable {

    /** A short name used in messages and reports, such as the model file's name. */
    String name();

    /** How many trained values the model holds, for reports; empty when the format does not say. */
    default OptionalLong parameterCount() {
        return OptionalLong.empty();
    }

    /** The teacher's logits for {@code features}. */
    INDArray logits(INDArray features);

    /** The layers whose activations {@link #activations} can return, in the model's order; none by default. */
    default List<String> layerNames() {
        return List.of();
    }

    /**
     * Checks, before any work, that {@link #activations} accepts every name in {@code layers}.
     *
     * @throws InvalidInputException naming the teacher, the unknown layer and the layers it has
     */
    default void requireLayers(List<String> layers) {
        for (String layer : layers) {
            if (!layerNames().contains(layer)) {
                throw new InvalidInputException("teacher '" + name() + "' has no layer '" + layer + "'; its layers: "
                        + (layerNames().isEmpty() ? "none that it exposes" : String.join(", ", layerNames())));
            }
        }
    }

    /**
     * The activations of the named layers for {@code features}, each flattened to {@code [N, width]}, in the order
     * asked; the default exposes no layer.
     *
     * @throws InvalidInputException when a layer is unknown, as {@link #requireLayers} says
     */
    default List<INDArray> activations(INDArray features, List<String> layers) {
        requireLayers(layers);
        if (!layers.isEmpty()) {
            throw new IllegalStateException(getClass().getName() + " lists layers " + layerNames()
                    + " in layerNames() but does not override activations()");
        }
        return List.of();
    }

    /**
     * The logits for {@code features} followed by the activations of {@code layers}, as {@link #logits} and
     * {@link #activations} give them. By default two calls; a teacher that can compute them in one pass overrides it.
     *
     * @throws InvalidInputException when a layer is unknown, as {@link #requireLayers} says
     */
    default List<INDArray> logitsAndActivations(INDArray features, List<String> layers) {
        List<INDArray> all = new ArrayList<>(1 + layers.size());
        all.add(logits(features));
        all.addAll(activations(features, layers));
        return all;
    }

    /** Releases native memory held by the model; the default holds none. */
    @Override
    default void close() {}
}
