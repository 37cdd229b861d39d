package org.sparkdistill.core.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.NetworkCopies;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.metrics.Evaluator;

/**
 * Copies of the other groups' students as of the last exchange, which a group distils from (see
 * {@link org.sparkdistill.core.objective.Codistillation}). Not thread-safe.
 */
final class OtherGroups implements AutoCloseable {
    /** Probabilities are floored here before their logarithm, so a zero gives a finite logit. */
    private static final double MIN_PROBABILITY = 1e-30;

    private final int ownGroup;
    private final List<Model> copies = new ArrayList<>();
    private boolean exchanged;

    /** Copies of {@code student}'s architecture, one per other group, holding nothing useful until {@link #update}. */
    OtherGroups(Model student, int ownGroup, int groups) {
        this.ownGroup = ownGroup;
        for (int g = 0; g < groups; g++) {
            if (g != ownGroup) {
                copies.add(NetworkCopies.of(student));
            }
        }
    }

    /** Takes the other groups' parameters from an exchange's result: row {@code g} holds group {@code g}'s. */
    void update(INDArray everyGroup) {
        int k = 0;
        for (int g = 0; g < everyGroup.rows(); g++) {
            if (g != ownGroup) {
                copies.get(k++).setParams(everyGroup.getRow(g).reshape(1, everyGroup.columns()));
            }
        }
        exchanged = true;
    }

    /** Whether an exchange has given the copies their parameters. */
    boolean ready() {
        return exchanged;
    }

    /** The copies' mean distribution at {@code temperature} on {@code features}, {@code [N, C]}. */
    INDArray targets(INDArray features, double temperature) {
        INDArray sum = null;
        for (Model copy : copies) {
            INDArray probabilities = Evaluator.output(copy, features);
            // softmax(log p / T) = softmax(z / T): log p differs from the logits z by a constant per row.
            INDArray softened = Transforms.softmax(
                    Transforms.log(Transforms.max(probabilities, MIN_PROBABILITY, true), false).divi(temperature), false);
            sum = sum == null ? softened : sum.addi(softened);
        }
        return sum.divi(copies.size());
    }

    @Override
    public void close() {
        copies.forEach(NetworkMemory::release);
    }
}
