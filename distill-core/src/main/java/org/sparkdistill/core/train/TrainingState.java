package org.sparkdistill.core.train;

import org.sparkdistill.core.InvalidInputException;

/**
 * Where a run stands: steps taken, and the epoch and batch that come next.
 *
 * <p>Together with the plan's seed this fixes every later random choice, since batch order and the ND4J generator are
 * derived from (seed, epoch) and (seed, step).
 */
public record TrainingState(long step, int epoch, int batch) implements java.io.Serializable {
    public static final TrainingState START = new TrainingState(0, 0, 0);

    public TrainingState {
        if (step < 0 || epoch < 0 || batch < 0) {
            throw new InvalidInputException("training state step = " + step + ", epoch = " + epoch + ", batch = " + batch
                    + ": all must be >= 0");
        }
    }
}
