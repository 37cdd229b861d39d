package org.sparkdistill.jobs.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.sparkdistill.core.metrics.EpochMetrics;

/**
 * One training run for a report: its name, its per-epoch metrics and its wall time.
 *
 * <p>In JSON, {@code final} repeats the last epoch's metrics, so a reader of the outcome need not find it.
 *
 * @param seconds wall time of the whole run, including job start-up
 */
@JsonPropertyOrder({"name", "seconds", "final", "epochs"})
public record RunSummary(String name, List<EpochMetrics> epochs, double seconds) {
    public RunSummary {
        epochs = List.copyOf(epochs);
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("run '" + name + "' has no epochs to report");
        }
    }

    @JsonProperty("final")
    public EpochMetrics last() {
        return epochs.get(epochs.size() - 1);
    }

    /** This run under another name. */
    public RunSummary named(String other) {
        return new RunSummary(other, epochs, seconds);
    }
}
