package org.sparkdistill.core.train;

/** Told each optimizer step as the replica that reports (rank 0, or each group's first rank) takes it. */
@FunctionalInterface
public interface StepListener {
    /**
     * @param step the steps taken so far, this one included
     * @param epoch the epoch the step belongs to, from 0
     * @param loss the step's training loss on this replica's batch
     */
    void onStep(long step, int epoch, double loss);
}
