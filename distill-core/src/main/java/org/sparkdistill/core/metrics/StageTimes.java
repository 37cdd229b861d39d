package org.sparkdistill.core.metrics;

import java.io.Serializable;

/**
 * Where one stage of the input pipeline spent an epoch.
 *
 * @param stage the stage's name: {@code decode}, {@code batch}, {@code teacher} or {@code student}
 * @param items how many items (batches) it finished
 * @param busySeconds time spent working on items
 * @param inputStallSeconds time spent waiting for the stage before it (for the student, the data stall)
 * @param outputStallSeconds time spent waiting for room in the queue after it (back-pressure)
 */
public record StageTimes(String stage, long items, double busySeconds, double inputStallSeconds,
                         double outputStallSeconds) implements Serializable {

    /** The sum of two measurements of the same stage. */
    public StageTimes plus(StageTimes other) {
        if (!stage.equals(other.stage)) {
            throw new IllegalArgumentException("cannot add times of stage '" + other.stage + "' to stage '" + stage + "'");
        }
        return new StageTimes(stage, items + other.items, busySeconds + other.busySeconds,
                inputStallSeconds + other.inputStallSeconds, outputStallSeconds + other.outputStallSeconds);
    }
}
