package org.sparkdistill.jobs;

import java.io.Serializable;
import java.util.Locale;

/**
 * One optimizer step of rank 0, as {@code steps.jsonl} records it.
 *
 * @param step the steps taken so far, this one included
 * @param epoch the epoch the step belongs to, from 1
 * @param loss the step's training loss on rank 0's batch
 * @param seconds seconds from the start of the training task to the end of the step
 */
public record StepRecord(long step, int epoch, double loss, double seconds) implements Serializable {
    /** This step as one line of JSON, without the line break. */
    public String toJsonLine() {
        return String.format(Locale.ROOT, "{\"step\": %d, \"epoch\": %d, \"loss\": %s, \"seconds\": %.4f}", step, epoch,
                Double.isFinite(loss) ? String.valueOf(loss) : "null", seconds);
    }
}
