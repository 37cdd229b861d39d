package org.sparkdistill.core.train;

import java.io.Serializable;
import java.util.List;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.metrics.EpochMetrics;

/**
 * Where a run stands and what it has measured so far: everything a checkpoint carries beside the network.
 *
 * <p>With these, a resumed run reports the same per-epoch metrics as an uninterrupted one: the history holds the
 * epochs already finished, and the loss sum lets the epoch in progress average over all of its steps.
 *
 * @param state the step taken and the epoch and batch that come next
 * @param epochLossSum the sum of the training losses of the steps already taken in {@code state.epoch()}
 * @param history the metrics of the epochs finished so far, first to last, at most one per finished epoch; fewer
 *     when the run started from a bare {@link TrainingState} and so did not measure the first ones; an unmodifiable copy
 */
public record TrainingProgress(TrainingState state, double epochLossSum, List<EpochMetrics> history)
        implements Serializable {
    /** A run that has not taken a step. */
    public static final TrainingProgress START = new TrainingProgress(TrainingState.START, 0, List.of());

    public TrainingProgress {
        if (state == null) {
            throw new InvalidInputException("training progress needs a training state");
        }
        if (!Double.isFinite(epochLossSum)) {
            throw new InvalidInputException("training progress at step " + state.step() + ": epoch loss sum = "
                    + epochLossSum + " must be finite");
        }
        history = List.copyOf(history);
        if (history.size() > state.epoch()) {
            throw new InvalidInputException("training progress at epoch " + state.epoch() + " has metrics of "
                    + history.size() + " epochs; at most " + state.epoch() + " epochs have finished");
        }
    }

    /** A run at {@code state} with no earlier measurements: its report starts at {@code state.epoch()}. */
    public static TrainingProgress of(TrainingState state) {
        return new TrainingProgress(state, 0, List.of());
    }
}
