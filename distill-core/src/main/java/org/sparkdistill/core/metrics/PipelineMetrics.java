package org.sparkdistill.core.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the input pipeline's stages and the student step spent one epoch (on rank 0).
 *
 * @param depth batches each stage could prepare ahead; 0 when the stages ran on the student's thread
 * @param stages the input stages in order, then the student step, whose input stall is the time it waited for a batch
 */
public record PipelineMetrics(int depth, List<StageTimes> stages) implements Serializable {
    public PipelineMetrics {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("pipeline metrics need at least the consumer's times");
        }
        stages = List.copyOf(stages);
    }

    /** The student step's times: the last stage. */
    public StageTimes student() {
        return stages.get(stages.size() - 1);
    }

    /** The share of the student's time spent waiting for its next batch: stall ÷ (stall + busy), 0 before any step. */
    public double dataStallFraction() {
        StageTimes student = student();
        double total = student.inputStallSeconds() + student.busySeconds();
        return total == 0 ? 0 : student.inputStallSeconds() / total;
    }

    /** The stage-by-stage sum of these times and {@code other}'s, which must have the same stages. */
    public PipelineMetrics plus(PipelineMetrics other) {
        if (other.stages.size() != stages.size()) {
            throw new IllegalArgumentException("cannot add pipeline times with stages " + names(other) + " to " + names(this));
        }
        List<StageTimes> sum = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            sum.add(stages.get(i).plus(other.stages.get(i)));
        }
        return new PipelineMetrics(depth, sum);
    }

    private static List<String> names(PipelineMetrics metrics) {
        return metrics.stages.stream().map(StageTimes::stage).toList();
    }
}
