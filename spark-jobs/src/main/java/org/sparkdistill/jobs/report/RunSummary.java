package org.sparkdistill.jobs.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.PeerMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;
import org.sparkdistill.core.metrics.EpochMetrics;

/**
 * One training run for a report: its name, its per-epoch metrics and its wall time.
 *
 * @param seconds wall time of the whole run, including job start-up
 */
public record RunSummary(String name, List<EpochMetrics> epochs, double seconds) {
    public RunSummary {
        epochs = List.copyOf(epochs);
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("run '" + name + "' has no epochs to report");
        }
    }

    public EpochMetrics last() {
        return epochs.get(epochs.size() - 1);
    }

    public Map<String, Object> toJsonTree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", name);
        tree.put("seconds", seconds);
        tree.put("final", epochTree(last()));
        tree.put("epochs", epochs.stream().map(RunSummary::epochTree).toList());
        return tree;
    }

    private static Map<String, Object> epochTree(EpochMetrics m) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("epoch", m.epoch());
        tree.put("step", m.step());
        tree.put("trainLoss", m.trainLoss());
        tree.put("accuracy", m.accuracy());
        tree.put("agreement", m.agreement());
        tree.put("teacherKl", m.teacherKl());
        tree.put("ece", m.ece());
        tree.put("seconds", m.seconds());
        if (m.communication() != null) {
            tree.put("communication", communicationTree(m.communication()));
        }
        if (m.pipeline() != null) {
            tree.put("pipeline", pipelineTree(m.pipeline()));
        }
        if (!m.peers().isEmpty()) {
            tree.put("peer", m.peer());
            tree.put("peers", m.peers().stream().map(RunSummary::peerTree).toList());
        }
        return tree;
    }

    private static Map<String, Object> peerTree(PeerMetrics p) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("peer", p.peer());
        tree.put("accuracy", p.accuracy());
        tree.put("agreement", p.agreement());
        tree.put("teacherKl", p.teacherKl());
        tree.put("ece", p.ece());
        return tree;
    }

    private static Map<String, Object> pipelineTree(PipelineMetrics p) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("depth", p.depth());
        tree.put("dataStallFraction", p.dataStallFraction());
        Map<String, Object> stages = new LinkedHashMap<>();
        for (StageTimes stage : p.stages()) {
            Map<String, Object> times = new LinkedHashMap<>();
            times.put("items", stage.items());
            times.put("busySeconds", stage.busySeconds());
            times.put("inputStallSeconds", stage.inputStallSeconds());
            times.put("outputStallSeconds", stage.outputStallSeconds());
            stages.put(stage.stage(), times);
        }
        tree.put("stages", stages);
        return tree;
    }

    private static Map<String, Object> communicationTree(CommunicationMetrics c) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("steps", c.steps());
        tree.put("stepSeconds", c.stepSeconds());
        tree.put("forwardSeconds", c.forwardSeconds());
        tree.put("backwardSeconds", c.backwardSeconds());
        tree.put("optimizerSeconds", c.optimizerSeconds());
        tree.put("communicationSeconds", c.communicationSeconds());
        tree.put("communicationCpuSeconds", c.communicationCpuSeconds());
        tree.put("exposedSeconds", c.exposedSeconds());
        tree.put("tailSeconds", c.tailSeconds());
        tree.put("groupTailSeconds", c.groupTailSeconds());
        tree.put("overlapRatio", c.overlapRatio());
        tree.put("busBandwidthBytesPerSecond", c.busBandwidthBytesPerSecond());
        tree.put("plan", c.plan());
        tree.put("planChanges", c.planChanges());
        tree.put("predictedTailSeconds", c.predictedTailSeconds());
        tree.put("communicationPredictionError", c.communicationPredictionError());
        tree.put("bytesSentPerStep", c.bytesSentPerStep());
        tree.put("crossGroupBytesPerStep", c.crossGroupBytesPerStep());
        return tree;
    }
}
