package org.sparkdistill.core.optim;

/** One optimizer step's update rule with its step's coefficients fixed, applied to the first elements of a tile. */
interface TileKernel {
    /**
     * Divides the gradient by the minibatch divisor, updates the state and subtracts the update from the parameters,
     * for elements {@code [0, length)} of {@code tile}; the gradient is read only.
     */
    void apply(Tile tile, int length);
}
