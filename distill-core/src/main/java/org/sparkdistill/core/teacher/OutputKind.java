package org.sparkdistill.core.teacher;

/**
 * What a teacher's chosen output holds. Probabilities become log-probabilities, which equal the logits up to a per-row
 * constant, the one freedom that softmax leaves.
 */
public enum OutputKind {
    /** Unnormalised scores (or log-probabilities), taken as they are. */
    LOGITS,
    /** A softmax's output, turned into logits by its logarithm. */
    PROBABILITIES
}
