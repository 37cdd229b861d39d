package org.sparkdistill.core.train;

/** How a step applies the optimizer update to the student's parameters. */
public enum UpdatePath {
    /**
     * One fused pass over the flat parameters, gradient and updater state ({@link org.sparkdistill.core.optim.FusedUpdate})
     * where it is exact, DL4J's updater elsewhere.
     */
    FUSED_WHERE_EXACT,
    /** DL4J's updater and step function, block by block. */
    DL4J
}
