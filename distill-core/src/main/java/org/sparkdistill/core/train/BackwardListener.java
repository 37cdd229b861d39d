package org.sparkdistill.core.train;

/**
 * Receives the progress of a student's backward pass, on the training thread, while the backward pass runs.
 *
 * <p>Per step the events are {@link #backwardStarted} and then {@link #layerReady} for layers {@code 0, 1, …, L-1} of
 * the {@link BackwardObserver#layout() layout}, each once. A listener runs inside DL4J's backward pass, so it should
 * return quickly and must not change the network or its flat gradient outside the ranges it has been told are ready.
 */
public interface BackwardListener {
    /** The backward pass of a step starts: the output layer starts its backprop; {@code nanoTime} is {@link System#nanoTime()}. */
    void backwardStarted(long nanoTime);

    /**
     * Layer {@code k} of the layout ({@code k} in backward order: 0 is the output layer) holds its final gradient in the
     * flat gradient; {@code nanoTime} is {@link System#nanoTime()}.
     */
    void layerReady(int k, long nanoTime);
}
