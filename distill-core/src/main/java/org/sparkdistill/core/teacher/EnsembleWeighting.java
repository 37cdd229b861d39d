package org.sparkdistill.core.teacher;

/** How a {@link TeacherEnsemble} weighs its teachers. */
public enum EnsembleWeighting {
    /** Every teacher counts equally. */
    UNIFORM,
    /** Fixed, user-given weights, normalised to sum to one. */
    FIXED,
    /**
     * Per example, each teacher weighs in proportion to the probability it gives the true label.
     *
     * <p>See: Zhang H., Chen D., Wang C. "Confidence-Aware Multi-Teacher Knowledge Distillation", ICASSP 2022.
     */
    CONFIDENCE
}
