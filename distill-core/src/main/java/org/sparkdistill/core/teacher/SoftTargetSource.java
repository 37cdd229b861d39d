package org.sparkdistill.core.teacher;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.objective.TeacherOutput;

/**
 * Produces the soft targets a student is trained towards for one batch.
 *
 * <p>Implementations: a {@link TeacherEnsemble}, which runs its teachers on the batch; {@link CachedSoftLabels}, which
 * reads logits computed ahead of training; and {@link #HARD_LABELS} for a student trained on its labels alone.
 */
@FunctionalInterface
public interface SoftTargetSource {

    /** Uses the hard labels as the targets; with the distillation weight α = 0 this is ordinary supervised training. */
    SoftTargetSource HARD_LABELS = (features, hardLabels, temperature) -> hardLabels;

    /**
     * The target distribution for each row at the given temperature.
     *
     * @param features the batch's flat features, {@code [N, D]}
     * @param hardLabels the batch's one-hot labels, {@code [N, C]}
     * @param temperature the softening temperature, &gt; 0
     * @return row-stochastic targets, {@code [N, C]}
     */
    INDArray softTargets(INDArray features, INDArray hardLabels, double temperature);

    /**
     * The target distribution for each row of a batch whose rows' positions in the training shard are known.
     *
     * <p>A source that keeps something per training row, such as cached logits, reads it by these positions; the
     * default ignores them and calls {@link #softTargets(INDArray, INDArray, double)}.
     *
     * @param features the batch's flat features, {@code [N, D]}
     * @param hardLabels the batch's one-hot labels, {@code [N, C]}
     * @param rows for each of the N batch rows, its position in the shard being trained on (the
     *     {@link org.sparkdistill.core.data.Examples} the trainer was given)
     * @param temperature the softening temperature, &gt; 0
     * @return row-stochastic targets, {@code [N, C]}
     */
    default INDArray softTargets(INDArray features, INDArray hardLabels, int[] rows, double temperature) {
        return softTargets(features, hardLabels, temperature);
    }

    /**
     * The values of {@code outputs}, named teacher outputs, for each row of a batch, each {@code [N, width]} in the
     * order asked; a source without named outputs gives none and refuses a request for any.
     *
     * @param features the batch's flat features, {@code [N, D]}
     * @param rows for each batch row, its position in the shard being trained on
     * @throws InvalidInputException naming the output when the source cannot give it
     */
    default List<INDArray> outputs(INDArray features, int[] rows, List<TeacherOutput> outputs) {
        if (!outputs.isEmpty()) {
            throw new InvalidInputException("the student's objectives read teacher outputs " + outputs
                    + ", which " + this + " does not give; hints need teachers that run during training");
        }
        return List.of();
    }
}
