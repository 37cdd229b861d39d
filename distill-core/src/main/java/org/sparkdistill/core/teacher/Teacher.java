package org.sparkdistill.core.teacher;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained model whose predictions a student learns from: a batch of features in, a batch of logits out.
 *
 * <p>Features are the flat rows the student sees ({@code [N, D]}); logits are {@code [N, C]}. Logits may differ from
 * a model's raw pre-activations by a per-row constant, the one freedom that softmax leaves. Implementations are not
 * required to be thread-safe.
 */
public interface Teacher extends AutoCloseable {

    /** A short name used in messages and reports, such as the model file's name. */
    String name();

    /** The teacher's logits for {@code features}. */
    INDArray logits(INDArray features);

    /** Releases native memory held by the model; the default holds none. */
    @Override
    default void close() {}
}
