package org.sparkdistill.core.teacher;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Produces the soft targets a student is trained towards for one batch.
 *
 * <p>Implementations: a {@link TeacherEnsemble}, and {@link #HARD_LABELS} for a student trained on its labels alone.
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
}
