package org.sparkdistill.core.train;

import java.util.List;

/**
 * Turns the calls of a student's {@link ObservedLayer}s into a {@link BackwardListener}'s events, and checks that layers
 * finish in backward order.
 *
 * <p>The layer at backward position 0 starting its backprop begins a step; a step cut short by an exception leaves no
 * trace on the next one. Not thread-safe: DL4J runs a backward pass on one thread.
 */
final class BackwardEvents {
    private final BackwardListener listener;
    private final List<String> names;
    private int next;

    BackwardEvents(BackwardListener listener, List<String> names) {
        this.listener = listener;
        this.names = names;
    }

    /** The layer at backward position {@code k} starts its backprop. */
    void starting(int k) {
        if (k == 0) {
            next = 0;
            listener.backwardStarted(System.nanoTime());
        }
    }

    /** The layer at backward position {@code k} has finished its backprop, so its gradient is final. */
    void finished(int k) {
        if (k != next) {
            throw new IllegalStateException("layer " + k + " (" + names.get(k) + ") finished its backward pass when layer "
                    + next + (next < names.size() ? " (" + names.get(next) + ")" : "")
                    + " was expected next; DL4J did not run this network's layers in backward order");
        }
        next++;
        listener.layerReady(k, System.nanoTime());
    }
}
