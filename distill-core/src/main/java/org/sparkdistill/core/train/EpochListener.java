package org.sparkdistill.core.train;

import org.sparkdistill.core.metrics.EpochMetrics;

/** Told the metrics of each epoch as training reaches its end. */
@FunctionalInterface
public interface EpochListener {
    void onEpoch(EpochMetrics metrics);
}
