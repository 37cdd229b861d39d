package org.sparkdistill.core.optim;

/**
 * One optimizer step's update rule with its step's coefficients fixed, in two forms that give the same bits: over an
 * on-heap {@link Tile}, and over the flat arrays in place with the JDK's Vector API.
 *
 * <p>Both divide the gradient by the minibatch divisor, update the state and subtract the update from the parameters;
 * the gradient is read only. Each element goes through the same single-precision operations in the same order in both.
 */
interface StepKernel {
    /** Applies the rule to elements {@code [0, length)} of {@code tile}. */
    void applyToTile(Tile tile, int length);

    /**
     * Applies the rule to elements {@code [from, to)} of {@code arrays} with {@link VectorKernels}, whose lane count
     * divides {@code to − from}. Only where {@link Vectorization#VECTOR_API} is available.
     */
    void applyToLanes(FlatArrays arrays, int from, int to);
}
