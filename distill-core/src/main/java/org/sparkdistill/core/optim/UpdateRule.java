package org.sparkdistill.core.optim;

/**
 * An optimizer's update as DL4J 1.0.0-M2.1 computes it, element by element, in single precision.
 *
 * <p>Each implementation follows libnd4j's updater op for its kind (the operations, their order and the points where
 * double-precision coefficients become floats), so that its result equals DL4J's within rounding.
 */
interface UpdateRule {
    /** How many flat state slices, each as long as the parameters, the rule keeps: DL4J's updater state layout. */
    int stateSlices();

    /**
     * The kernel of one step.
     *
     * @param iteration DL4J's iteration count before the step (0 for the first), which schedules read
     * @param epoch DL4J's epoch count, which epoch schedules read
     * @param divisor what the gradient is divided by first: the minibatch size, or 1 when the network does not divide
     */
    StepKernel kernel(int iteration, int epoch, float divisor);
}
